package dev.flotilla.kv.grpc;

import dev.flotilla.kv.ClusterDirectory;
import dev.flotilla.kv.CurrentRanges;
import dev.flotilla.kv.KvStore;
import dev.flotilla.kv.ServerConfig;
import dev.flotilla.kv.etcd.etcdserverpb.AuthGrpc;
import dev.flotilla.kv.lease.LeaseKeeper;
import dev.flotilla.runtime.RaftNode;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The etcd v3 gRPC API of one server: KV, Watch, Lease, Cluster and Maintenance served; Auth registered so that
 * clients get UNIMPLEMENTED. Requests larger than the configured limit are refused by gRPC itself with
 * RESOURCE_EXHAUSTED before they are decoded.
 */
public final class ClientApi implements AutoCloseable {
    /** gRPC framing and headers around the largest accepted request, as etcd allows for. */
    private static final int GRPC_OVERHEAD_BYTES = 512 * 1024;

    /** etcd's interval between progress notifications to watchers that asked for them. */
    private static final Duration PROGRESS_NOTIFY_INTERVAL = Duration.ofMinutes(10);

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
        LeaderForwarding forwarding = new LeaderForwarding(
                node, config.nodeId(), directory, config.raft().requestTimeoutMs());
        WatchService watch = new WatchService(
                store, ranges, headers, executor, config.limits().maxRequestBytes());
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
        Server server = NettyServerBuilder.forAddress(config.clientListenAddress())
                .directExecutor()
                .maxInboundMessageSize(config.limits().maxRequestBytes() + GRPC_OVERHEAD_BYTES)
                .addService(new KvService(node, store, ranges, checks, headers, replies, executor))
                .addService(new ClusterService(node, directory, membershipChanges, headers, replies))
                .addService(new MaintenanceService(node, store, config.nodeId(), headers, replies))
                .addService(watch)
                .addService(ServerInterceptors.intercept(
                        new LeaseService(node, store, headers, replies, errors, forwarding, executor, minTtlSeconds),
                        forwarding.recogniser()))
                .addService(new RangeAdminService(node, store, ranges, new RangeWrites(node, headers), replies))
                .addService(new AuthGrpc.AuthImplBase() {})
                .build();
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
