package dev.flotilla.kv.grpc;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import dev.flotilla.kv.ClusterDirectory;
import dev.flotilla.kv.MemberUrls;
import dev.flotilla.kv.etcd.etcdserverpb.ClusterGrpc;
import dev.flotilla.runtime.RequestFailedException;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Sends a Cluster call on to the leader's client API, for calls that only the leader can carry out (membership
 * changes go to the leader of the first range, and the runtime does not forward them). One channel per leader
 * address, kept until {@link #close}.
 */
final class ClusterCallForwarding implements AutoCloseable {
    private final ClusterDirectory directory;
    private final long timeoutMs;
    private final Map<InetSocketAddress, ManagedChannel> channels = new ConcurrentHashMap<>();

    ClusterCallForwarding(ClusterDirectory directory, long timeoutMs) {
        this.directory = directory;
        this.timeoutMs = timeoutMs;
    }

    /**
     * Runs {@code call} against node {@code leader}'s client API and completes with its answer; the leader's errors
     * come back as they are. Fails with {@code NOT_LEADER} when the leader has no known client URL (it has not
     * started yet). Never blocks: the leader may be forwarding a call back to this node.
     */
    <T> CompletableFuture<T> call(long leader, Function<ClusterGrpc.ClusterFutureStub, ListenableFuture<T>> call) {
        InetSocketAddress address = directory
                .member(leader)
                .flatMap(row -> row.getClientUrlsList().stream().findFirst())
                .flatMap(MemberUrls::address)
                .orElseThrow(() -> new RequestFailedException(
                        RequestFailedException.Reason.NOT_LEADER,
                        "the client URL of leader " + leader + " is unknown"));
        ManagedChannel channel = channels.computeIfAbsent(
                address, a -> NettyChannelBuilder.forAddress(a).usePlaintext().build());
        ListenableFuture<T> answer =
                call.apply(ClusterGrpc.newFutureStub(channel).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS));
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

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
    }
}
