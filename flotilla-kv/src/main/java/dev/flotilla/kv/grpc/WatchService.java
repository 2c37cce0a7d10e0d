package dev.flotilla.kv.grpc;

import dev.flotilla.kv.CurrentRanges;
import dev.flotilla.kv.KeySpan;
import dev.flotilla.kv.KvStore;
import dev.flotilla.kv.auth.AuthMessages;
import dev.flotilla.kv.etcd.etcdserverpb.ResponseHeader;
import dev.flotilla.kv.etcd.etcdserverpb.WatchCreateRequest;
import dev.flotilla.kv.etcd.etcdserverpb.WatchGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.WatchRequest;
import dev.flotilla.kv.etcd.etcdserverpb.WatchResponse;
import dev.flotilla.kv.watch.WatchHub;
import dev.flotilla.kv.watch.WatchSession;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * etcd's Watch service: each call is one {@link WatchSession}, served from this node's applied state (a watch on a
 * follower sees changes as the follower applies them). gRPC's flow control tells the session when the client is slow.
 * With auth on, creating a watch needs read permission on its whole span: a watch the user may not read is canceled
 * at creation with etcd's reason, and a call with bad credentials ends the stream with the error.
 */
final class WatchService extends WatchGrpc.WatchImplBase {
    private final KvStore store;
    private final CurrentRanges ranges;
    private final ResponseHeaders headers;
    private final Executor executor;
    private final int fragmentBytes;
    private final Set<WatchSession> sessions = ConcurrentHashMap.newKeySet();
    private final AccessControl access;

    /** What etcd sends as the cancel reason of a watch the user may not read: its gRPC error as a string. */
    static final String PERMISSION_DENIED_REASON =
            "rpc error: code = PermissionDenied desc = " + AuthMessages.PERMISSION_DENIED;

    /** @param fragmentBytes the largest watch response sent whole to a client that accepts fragments */
    WatchService(
            KvStore store,
            CurrentRanges ranges,
            ResponseHeaders headers,
            Executor executor,
            int fragmentBytes,
            AccessControl access) {
        this.access = access;
        this.store = store;
        this.ranges = ranges;
        this.headers = headers;
        this.executor = executor;
        this.fragmentBytes = fragmentBytes;
    }

    @Override
    public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> observer) {
        ServerCallStreamObserver<WatchResponse> call = (ServerCallStreamObserver<WatchResponse>) observer;
        WatchSession session = new WatchSession(
                new SessionRanges(),
                new WatchSession.Outbox() {
                    @Override
                    public boolean isReady() {
                        return call.isReady();
                    }

                    @Override
                    public void send(WatchResponse response) {
                        call.onNext(response);
                    }
                },
                executor,
                fragmentBytes);
        sessions.add(session);
        call.setOnReadyHandler(session::ready);
        call.setOnCancelHandler(() -> end(session));
        return new StreamObserver<>() {
            @Override
            public void onNext(WatchRequest request) {
                if (request.hasCreateRequest()) {
                    WatchCreateRequest create = request.getCreateRequest();
                    try {
                        access.requireRead(KeySpan.of(create.getKey(), create.getRangeEnd()));
                    } catch (StatusRuntimeException e) {
                        if (e.getStatus().getCode() == Status.Code.PERMISSION_DENIED) {
                            session.refuse(create, PERMISSION_DENIED_REASON);
                        } else {
                            end(session);
                            call.onError(e);
                        }
                        return;
                    }
                }
                session.receive(request);
            }

            @Override
            public void onError(Throwable t) {
                end(session);
            }

            @Override
            public void onCompleted() {
                sessions.remove(session);
                session.close(call::onCompleted);
            }
        };
    }

    private void end(WatchSession session) {
        sessions.remove(session);
        session.close();
    }

    /** Sends progress notifications to the watchers that asked for them (etcd: every ten minutes). */
    void progressTick() {
        sessions.forEach(WatchSession::progressTick);
    }

    private final class SessionRanges implements WatchSession.Ranges {
        @Override
        public WatchHub hub(KeySpan span) {
            return store.watchHub(ranges.map().owner(List.of(span), "a watch"));
        }

        /**
         * The header of the range that holds the span's first key: the watcher's own range, also once a split has
         * taken the rest of its span (the watcher is then canceled with this header).
         */
        @Override
        public ResponseHeader header(KeySpan span, long revision) {
            return headers.at(ranges.map().ownerOfKey(span.start()), revision);
        }
    }
}
