package dev.flotilla.kv.grpc;

import dev.flotilla.kv.MemberConfig;
import dev.flotilla.kv.ServerConfig;
import dev.flotilla.raft.Status;
import dev.flotilla.runtime.RaftNode;
import dev.flotilla.runtime.RequestFailedException;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends client requests that only a range's leader can answer (lease keep-alives and time-to-live, whose deadlines
 * live in the leader's memory) to the leader's client port, as etcd's followers do. A forwarded call is marked, and a
 * node that receives a marked call it cannot answer itself fails it with "no leader" rather than forwarding it again,
 * so calls never circle during an election.
 *
 * <p>Thread-safe; channels to the other members are opened on first use and closed with this object.
 */
final class LeaderForwarding implements AutoCloseable {
    private static final Metadata.Key<String> FORWARDED_HEADER =
            Metadata.Key.of("flotilla-forwarded", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<Boolean> FORWARDED = Context.key("flotilla-forwarded");

    private final RaftNode node;
    private final ServerConfig config;
    private final Map<Long, ManagedChannel> channels = new ConcurrentHashMap<>();

    LeaderForwarding(RaftNode node, ServerConfig config) {
        this.node = node;
        this.config = config;
    }

    /**
     * Where a request for the range goes: empty if this node leads it, else a channel to the leader. Fails with
     * NOT_LEADER when no leader is known, or when the current call was itself forwarded here.
     */
    CompletableFuture<Optional<Channel>> route(long range) {
        boolean forwarded = Boolean.TRUE.equals(FORWARDED.get());
        return node.status(range).thenApply(status -> {
            long leader = status.map(Status::leader).orElse(0L);
            if (leader == config.nodeId()) {
                return Optional.empty();
            }
            Optional<MemberConfig> member = config.member(leader);
            if (leader == 0 || forwarded || member.isEmpty()) {
                throw new RequestFailedException(
                        RequestFailedException.Reason.NOT_LEADER, "range " + range + " has no leader reachable here");
            }
            return Optional.of(channels.computeIfAbsent(
                    leader, id -> NettyChannelBuilder.forAddress(member.get().clientAddress())
                            .usePlaintext()
                            .intercept(new MarkForwarded())
                            .build()));
        });
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
