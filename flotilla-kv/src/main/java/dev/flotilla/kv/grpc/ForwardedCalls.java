package dev.flotilla.kv.grpc;

import dev.flotilla.kv.etcd.etcdserverpb.LeaseGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseKeepAliveRequest;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseKeepAliveResponse;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseTimeToLiveRequest;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseTimeToLiveResponse;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Lease calls made to the leader on a client's behalf, as futures. A failure carries the leader's gRPC status. */
final class ForwardedCalls {
    private static final long DEADLINE_SECONDS = 5;

    private ForwardedCalls() {}

    /** One keep-alive: a stream that carries one request and ends with its answer. */
    static CompletableFuture<LeaseKeepAliveResponse> keepAlive(Channel leader, LeaseKeepAliveRequest request) {
        FirstResponse<LeaseKeepAliveResponse> response = new FirstResponse<>();
        StreamObserver<LeaseKeepAliveRequest> requests = LeaseGrpc.newStub(leader)
                .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                .leaseKeepAlive(response);
        requests.onNext(request);
        requests.onCompleted();
        return response.future;
    }

    static CompletableFuture<LeaseTimeToLiveResponse> timeToLive(Channel leader, LeaseTimeToLiveRequest request) {
        FirstResponse<LeaseTimeToLiveResponse> response = new FirstResponse<>();
        LeaseGrpc.newStub(leader)
                .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                .leaseTimeToLive(request, response);
        return response.future;
    }

    private static final class FirstResponse<T> implements StreamObserver<T> {
        final CompletableFuture<T> future = new CompletableFuture<>();

        @Override
        public void onNext(T value) {
            future.complete(value);
        }

        @Override
        public void onError(Throwable t) {
            future.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            future.completeExceptionally(
                    Status.UNAVAILABLE.withDescription("etcdserver: no leader").asRuntimeException());
        }
    }
}
