package dev.flotilla.kv.grpc;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import dev.flotilla.kv.ClusterDirectory;
import dev.flotilla.kv.MemberUrls;
import dev.flotilla.kv.etcd.etcdserverpb.ClusterGrpc;
import dev.flotilla.raft.Status;
import dev.flotilla.runtime.RaftNode;
import dev.flotilla.runtime.RequestFailedException;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.stub.MetadataUtils;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Sends client requests that only a leader can answer to the leader's client port, as etcd's followers do: lease
 * keep-alives and time-to-live, whose deadlines live in the range leader's memory ({@link #route}), and membership
 * changes, which the runtime does not forward ({@link #call}). Leaders are found in the {@link ClusterDirectory}, so
 * a member added at run time is reached too. A forwarded call is marked, and a node that receives a marked lease call
 * it cannot answer itself fails it with "no leader" rather than forwarding it again, so calls never circle during an
 * election.
 *
 * <p>Thread-safe; one channel per member address, opened on first use and closed with this object.
 */
final class LeaderForwarding implements AutoCloseable {
    private static final Metadata.Key<String> FORWARDED_HEADER =
            Metadata.Key.of("flotilla-forwarded", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<Boolean> FORWARDED = Context.key("flotilla-forwarded");

    private final RaftNode node;
    private final long nodeId;
    private final ClusterDirectory directory;
    private final long timeoutMs;
    private static final Metadata.Key<String> TOKEN = Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);

    private final Map<InetSocketAddress, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final AccessControl access;
    private final Optional<SslContext> tls;

    /**
     * @param timeoutMs deadline of a forwarded membership call
     * @param access mints the token a forwarded call carries, so the leader checks the same user
     * @param tls how to reach other members' client ports when they serve TLS (this node's own TLS files)
     */
    LeaderForwarding(
            RaftNode node,
            long nodeId,
            ClusterDirectory directory,
            long timeoutMs,
            AccessControl access,
            Optional<SslContext> tls) {
        this.node = node;
        this.nodeId = nodeId;
        this.directory = directory;
        this.timeoutMs = timeoutMs;
        this.access = access;
        this.tls = tls;
    }

    /**
     * The credentials of the current call, to send along with it: call on the thread that runs the call's handler.
     */
    Optional<String> credentials() {
        return access.forwardingToken();
    }

    /**
     * Where a request for the range goes: empty if this node leads it, else a channel to the leader. Fails with
     * NOT_LEADER when no leader is known, or when the current call was itself forwarded here.
     */
    CompletableFuture<Optional<Channel>> route(long range) {
        boolean forwarded = Boolean.TRUE.equals(FORWARDED.get());
        Optional<String> token = credentials();
        return node.status(range).thenApply(status -> {
            long leader = status.map(Status::leader).orElse(0L);
            if (leader == nodeId) {
                return Optional.empty();
            }
            Optional<ManagedChannel> channel = leader == 0 || forwarded ? Optional.empty() : channelTo(leader);
            return Optional.of(withToken(
                    channel.orElseThrow(() -> new RequestFailedException(
                            RequestFailedException.Reason.NOT_LEADER,
                            "range " + range + " has no leader reachable here")),
                    token));
        });
    }

    /**
     * Runs a Cluster call against node {@code leader}'s client API and completes with its answer; the leader's errors
     * come back as they are. Fails with {@code NOT_LEADER} when the leader has no known client URL (it has not started
     * yet). Never blocks: the leader may be forwarding a call back to this node.
     *
     * @param token the caller's {@link #credentials()}, taken when the call arrived
     */
    <T> CompletableFuture<T> call(
            long leader, Optional<String> token, Function<ClusterGrpc.ClusterFutureStub, ListenableFuture<T>> call) {
        ManagedChannel channel = channelTo(leader)
                .orElseThrow(() -> new RequestFailedException(
                        RequestFailedException.Reason.NOT_LEADER,
                        "the client URL of leader " + leader + " is unknown"));
        ListenableFuture<T> answer = call.apply(ClusterGrpc.newFutureStub(withToken(channel, token))
                .withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS));
        CompletableFuture<T> result = new CompletableFuture<>();
        Futures.addCallback(
                answer,
                new FutureCallback<T>() {
                    @Override
                    public void onSuccess(T value) {
                        result.complete(value);
                    }

                    @Override
                    public void onFailure(Throwable failure) {
                        result.completeExceptionally(failure);
                    }
                },
                MoreExecutors.directExecutor());
        return result;
    }

    /** A channel to {@code member}'s client API, if the directory knows its client URL. */
    private Optional<ManagedChannel> channelTo(long member) {
        return directory
                .member(member)
                .flatMap(row -> row.getClientUrlsList().stream().findFirst())
                .flatMap(MemberUrls::address)
                .map(address -> channels.computeIfAbsent(address, this::open));
    }

    private ManagedChannel open(InetSocketAddress address) {
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(address).intercept(new MarkForwarded());
        if (tls.isPresent()) {
            builder.sslContext(tls.get());
        } else {
            builder.usePlaintext();
        }
        return builder.build();
    }

    private static Channel withToken(Channel channel, Optional<String> token) {
        if (token.isEmpty()) {
            return channel;
        }
        Metadata headers = new Metadata();
        headers.put(TOKEN, token.get());
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /** Recognises calls that another node forwarded here. */
    ServerInterceptor recogniser() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                Context context = Context.current().withValue(FORWARDED, headers.containsKey(FORWARDED_HEADER));
                return Contexts.interceptCall(context, call, headers, next);
            }
        };
    }

    private static final class MarkForwarded implements ClientInterceptor {
        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    headers.put(FORWARDED_HEADER, "1");
                    super.start(listener, headers);
                }
            };
        }
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
    }
}
