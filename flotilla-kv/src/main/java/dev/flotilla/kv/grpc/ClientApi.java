package dev.flotilla.kv.grpc;

import dev.flotilla.kv.ClientTlsConfig;
import dev.flotilla.kv.ClusterDirectory;
import dev.flotilla.kv.CurrentRanges;
import dev.flotilla.kv.KvStore;
import dev.flotilla.kv.ServerConfig;
import dev.flotilla.kv.auth.FailedLogins;
import dev.flotilla.kv.auth.Passwords;
import dev.flotilla.kv.auth.Tokens;
import dev.flotilla.kv.lease.LeaseKeeper;
import dev.flotilla.runtime.RaftNode;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The etcd v3 gRPC API of one server: KV, Watch, Lease, Cluster, Maintenance and Auth, over TLS when the
 * configuration has {@code client-transport-security} (a client whose certificate the trusted CA did not sign fails
 * the handshake when client-cert-auth is on). Every call passes {@link Caller#interceptor()}, which records its
 * credentials for the services' {@link AccessControl} checks. Requests larger than the configured limit are refused
 * by gRPC itself with RESOURCE_EXHAUSTED before they are decoded.
 */
public final class ClientApi implements AutoCloseable {
    /** gRPC framing and headers around the largest accepted request, as etcd allows for. */
    private static final int GRPC_OVERHEAD_BYTES = 512 * 1024;

    /** etcd's interval between progress notifications to watchers that asked for them. */
    private static final Duration PROGRESS_NOTIFY_INTERVAL = Duration.ofMinutes(10);

    /** At most one warning per client address per interval about failed authentications. */
    private static final Duration FAILED_LOGIN_LOG_INTERVAL = Duration.ofSeconds(10);

    private final Server server;
    private final ExecutorService executor;
    private final ScheduledExecutorService timer;
    private final LeaseKeeper leaseKeeper;
    private final LeaderForwarding forwarding;
    private final MembershipChanges membershipChanges;

    private ClientApi(
            Server server,
            ExecutorService executor,
            ScheduledExecutorService timer,
            LeaseKeeper leaseKeeper,
            LeaderForwarding forwarding,
            MembershipChanges membershipChanges) {
        this.server = server;
        this.executor = executor;
        this.timer = timer;
        this.leaseKeeper = leaseKeeper;
        this.forwarding = forwarding;
        this.membershipChanges = membershipChanges;
    }

    public static ClientApi start(
            ServerConfig config, RaftNode node, KvStore store, CurrentRanges ranges, ClusterDirectory directory)
            throws IOException {
        // First, so that bad TLS files fail the start before any thread exists.
        Optional<SslContext> serverTls = Optional.empty();
        Optional<SslContext> forwardingTls = Optional.empty();
        if (config.clientTls().isPresent()) {
            ClientTlsConfig tls = config.clientTls().get();
            serverTls = Optional.of(TlsContexts.server(tls));
            forwardingTls = Optional.of(
                    TlsContexts.client(tls.trustedCaFile(), Optional.of(tls.certFile()), Optional.of(tls.keyFile())));
        }
        ExecutorService executor = Executors.newFixedThreadPool(
                Math.max(2, Runtime.getRuntime().availableProcessors()), namedDaemons("flotilla-kv-client"));
        EtcdErrors errors =
                new EtcdErrors(config.raft().tickIntervalMs() * config.raft().electionTicks());
        Replies replies = new Replies(errors, executor);
        ResponseHeaders headers = new ResponseHeaders(config.clusterId(), config.nodeId());
        RequestChecks checks = new RequestChecks(config.limits());
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(namedDaemons("flotilla-kv-timer"));
        long electionTimeoutMs = config.raft().tickIntervalMs() * config.raft().electionTicks();
        LeaseKeeper leaseKeeper = new LeaseKeeper(
                node,
                store,
                () -> ranges.map().rangeIds(),
                Duration.ofMillis(config.raft().tickIntervalMs()),
                Duration.ofMillis(electionTimeoutMs),
                headers::observe,
                timer);
        Tokens tokens = new Tokens(Duration.ofSeconds(config.auth().tokenTtlSeconds()), System::currentTimeMillis);
        AccessControl access = new AccessControl(
                store,
                tokens,
                config.clientTls().map(ClientTlsConfig::clientCertAuth).orElse(false));
        LeaderForwarding forwarding = new LeaderForwarding(
                node, config.nodeId(), directory, config.raft().requestTimeoutMs(), access, forwardingTls);
        WatchService watch = new WatchService(
                store, ranges, headers, executor, config.limits().maxRequestBytes(), access);
        timer.scheduleAtFixedRate(
                watch::progressTick,
                PROGRESS_NOTIFY_INTERVAL.toMillis(),
                PROGRESS_NOTIFY_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
        // etcd's smallest TTL: one and a half election timeouts, in whole seconds.
        long minTtlSeconds = (electionTimeoutMs * 3 / 2 + 999) / 1000;
        MembershipChanges membershipChanges = new MembershipChanges(
                node,
                directory,
                config.nodeId(),
                headers,
                forwarding,
                config.raft().requestTimeoutMs());
        AuthService auth = new AuthService(
                node,
                store,
                headers,
                replies,
                access,
                new Passwords(config.auth().passwordHashIterations()),
                tokens,
                new FailedLogins(FAILED_LOGIN_LOG_INTERVAL.toNanos(), System::nanoTime),
                executor);
        NettyServerBuilder builder = NettyServerBuilder.forAddress(config.clientListenAddress())
                .directExecutor()
                .maxInboundMessageSize(config.limits().maxRequestBytes() + GRPC_OVERHEAD_BYTES)
                .intercept(Caller.interceptor())
                .addService(new KvService(
                        node, store, ranges, checks, headers, replies, access, executor, config.unsafeTestFault()))
                .addService(new ClusterService(node, directory, membershipChanges, headers, replies, access))
                .addService(new MaintenanceService(node, store, config.nodeId(), headers, replies, access))
                .addService(watch)
                .addService(ServerInterceptors.intercept(
                        new LeaseService(
                                node, store, headers, replies, errors, forwarding, executor, minTtlSeconds, access),
                        forwarding.recogniser()))
                .addService(new RangeAdminService(node, store, ranges, new RangeWrites(node, headers), replies))
                .addService(auth);
        serverTls.ifPresent(builder::sslContext);
        Server server = builder.build();
        try {
            server.start();
        } catch (IOException e) {
            leaseKeeper.close();
            forwarding.close();
            timer.shutdownNow();
            executor.shutdownNow();
            membershipChanges.close();
            throw new IOException("cannot serve clients on " + config.clientListenAddress() + ": " + e.getMessage(), e);
        }
        return new ClientApi(server, executor, timer, leaseKeeper, forwarding, membershipChanges);
    }

    private static java.util.concurrent.ThreadFactory namedDaemons(String prefix) {
        AtomicInteger next = new AtomicInteger();
        return r -> {
            Thread thread = new Thread(r, prefix + "-" + next.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getListenSockets().get(0);
    }

    @Override
    public void close() {
        leaseKeeper.close();
        server.shutdown();
        try {
            if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
                server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        forwarding.close();
        timer.shutdownNow();
        executor.shutdownNow();
        membershipChanges.close();
    }
}
