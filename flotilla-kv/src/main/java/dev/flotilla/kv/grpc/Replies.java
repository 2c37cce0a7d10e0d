package dev.flotilla.kv.grpc;

import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Sends the outcome of an asynchronous request to a unary call's observer, failures as etcd's statuses. Outcomes
 * often complete on the Raft driver thread; the response is encoded and sent on {@code executor} instead.
 *
 * <p>Calls arrive on gRPC's network threads (the server runs its handlers there, to spare a thread hand-off per
 * request), so a request must only start asynchronous work; one that scans local data first uses {@link
 * #sendFromWorker}.
 */
final class Replies {
    private final EtcdErrors errors;
    private final Executor executor;

    Replies(EtcdErrors errors, Executor executor) {
        this.errors = errors;
        this.executor = executor;
    }

    /**
     * As {@link #send}, but starts the request on {@code executor}, away from the network thread, in the call's gRPC
     * context (which holds the caller's identity).
     */
    <T> void sendFromWorker(Supplier<CompletableFuture<T>> request, StreamObserver<T> observer) {
        executor.execute(Context.current().wrap(() -> send(request, observer)));
    }

    <T> void send(Supplier<CompletableFuture<T>> request, StreamObserver<T> observer) {
        CompletableFuture<T> result;
        try {
            result = request.get();
        } catch (RuntimeException e) {
            observer.onError(errors.toStatus(e));
            return;
        }
        result.whenCompleteAsync(
                (value, failure) -> {
                    if (failure != null) {
                        observer.onError(errors.toStatus(failure));
                    } else {
                        observer.onNext(value);
                        observer.onCompleted();
                    }
                },
                executor);
    }
}
