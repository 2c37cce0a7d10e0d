package dev.flotilla.kv.grpc;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.KeySpan;
import dev.flotilla.kv.KvStore;
import dev.flotilla.kv.RangeMap;
import dev.flotilla.kv.command.Command;
import dev.flotilla.kv.command.CommandResult;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseGrantRequest;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseGrantResponse;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseKeepAliveRequest;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseKeepAliveResponse;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseLeasesRequest;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseLeasesResponse;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseRevokeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseRevokeResponse;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseStatus;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseTimeToLiveRequest;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseTimeToLiveResponse;
import dev.flotilla.kv.lease.LeaseChange;
import dev.flotilla.kv.lease.LeaseClock;
import dev.flotilla.runtime.RaftNode;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * etcd's Lease service. Leases belong to the first range: grants and revokes are Raft commands of that range (a
 * follower forwards the proposal), so every replica stores the same leases. Their deadlines live in the leader's
 * {@link LeaseClock}: keep-alives and time-to-live queries are answered by the leader, and a follower forwards them
 * there ({@link LeaderForwarding}). With auth on, a revoke needs write permission on the lease's keys and a
 * time-to-live with keys read permission on them, as in etcd; grants and keep-alives need none.
 */
final class LeaseService extends LeaseGrpc.LeaseImplBase {
    /** etcd's largest TTL, in seconds. */
    static final long MAX_TTL_SECONDS = 9_000_000_000L;

    static final String TTL_TOO_LARGE = "etcdserver: too large lease TTL";

    /** Leases live in the first range; a Put with a lease must be in that range too (docs/etcd-compatibility.md). */
    private static final long RANGE = RangeMap.FIRST_RANGE;

    private final RaftNode node;
    private final KvStore store;
    private final RangeWrites writes;
    private final ResponseHeaders headers;
    private final Replies replies;
    private final EtcdErrors errors;
    private final LeaderForwarding forwarding;
    private final Executor executor;
    private final long minTtlSeconds;
    private final AccessControl access;

    /** @param minTtlSeconds shorter TTLs are raised to it (etcd: 1.5 election timeouts, rounded up) */
    LeaseService(
            RaftNode node,
            KvStore store,
            ResponseHeaders headers,
            Replies replies,
            EtcdErrors errors,
            LeaderForwarding forwarding,
            Executor executor,
            long minTtlSeconds,
            AccessControl access) {
        this.node = node;
        this.store = store;
        this.writes = new RangeWrites(node, headers);
        this.headers = headers;
        this.replies = replies;
        this.errors = errors;
        this.forwarding = forwarding;
        this.executor = executor;
        this.minTtlSeconds = minTtlSeconds;
        this.access = access;
    }

    /** etcd's rule: revoking a lease deletes its keys, so it needs write permission on every one of them. */
    private void checkKeysOfLease(long leaseId, boolean write) {
        store.lease(RANGE, leaseId).ifPresent(lease -> lease.keys().forEach(key -> {
            KeySpan span = KeySpan.of(key, ByteString.EMPTY);
            if (write) {
                access.requireWrite(span);
            } else {
                access.requireRead(span);
            }
        }));
    }

    @Override
    public void leaseGrant(LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> observer) {
        replies.send(
                () -> {
                    if (request.getTTL() > MAX_TTL_SECONDS) {
                        throw Status.OUT_OF_RANGE.withDescription(TTL_TOO_LARGE).asRuntimeException();
                    }
                    LeaseGrantRequest grant = request.toBuilder()
                            .setTTL(Math.max(request.getTTL(), minTtlSeconds))
                            .build();
                    return writes.propose(
                                    RANGE,
                                    Command.newBuilder().setLeaseGrant(grant).build())
                            .thenApply(CommandResult::getLeaseGrant);
                },
                observer);
    }

    @Override
    public void leaseRevoke(LeaseRevokeRequest request, StreamObserver<LeaseRevokeResponse> observer) {
        replies.send(
                () -> {
                    checkKeysOfLease(request.getID(), true);
                    return writes.propose(
                                    RANGE,
                                    Command.newBuilder().setLeaseRevoke(request).build())
                            .thenApply(CommandResult::getLeaseRevoke);
                },
                observer);
    }

    @Override
    public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(StreamObserver<LeaseKeepAliveResponse> observer) {
        return new KeepAliveStream(observer);
    }

    /**
     * One keep-alive stream: requests are answered one after another, in order; the first failure ends the stream
     * (etcd clients open a new one).
     */
    private final class KeepAliveStream implements StreamObserver<LeaseKeepAliveRequest> {
        private final StreamObserver<LeaseKeepAliveResponse> responses;
        private CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
        private boolean failed;

        KeepAliveStream(StreamObserver<LeaseKeepAliveResponse> responses) {
            this.responses = responses;
        }

        @Override
        public synchronized void onNext(LeaseKeepAliveRequest request) {
            // Routed now, in this call's gRPC context, which says whether the call was forwarded here.
            CompletableFuture<Optional<Channel>> route = forwarding.route(RANGE);
            last = last.thenCompose(ignored -> route)
                    .thenCompose(leader -> leader.isPresent()
                            ? ForwardedCalls.keepAlive(leader.get(), request)
                            : CompletableFuture.completedFuture(renew(request.getID())))
                    .handleAsync(
                            (response, failure) -> {
                                deliver(response, failure);
                                return null;
                            },
                            executor);
        }

        private synchronized void deliver(LeaseKeepAliveResponse response, Throwable failure) {
            if (failed) {
                return;
            }
            if (failure != null) {
                failed = true;
                responses.onError(errors.toStatus(failure));
            } else {
                responses.onNext(response);
            }
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public synchronized void onCompleted() {
            last = last.thenRunAsync(
                    () -> {
                        synchronized (this) {
                            if (!failed) {
                                responses.onCompleted();
                            }
                        }
                    },
                    executor);
        }
    }

    private LeaseKeepAliveResponse renew(long leaseId) {
        long ttl = store.leaseClock(RANGE).renew(leaseId);
        return LeaseKeepAliveResponse.newBuilder()
                .setHeader(headers.at(RANGE, store.watchHub(RANGE).revision()))
                .setID(leaseId)
                .setTTL(ttl)
                .build();
    }

    @Override
    public void leaseTimeToLive(LeaseTimeToLiveRequest request, StreamObserver<LeaseTimeToLiveResponse> observer) {
        replies.send(
                () -> {
                    if (request.getKeys()) {
                        checkKeysOfLease(request.getID(), false);
                    }
                    return forwarding
                            .route(RANGE)
                            .thenCompose(leader -> leader.isPresent()
                                    ? ForwardedCalls.timeToLive(leader.get(), request)
                                    : node.awaitLinearizable(RANGE)
                                            .thenApplyAsync(ignored -> timeToLive(request), executor));
                },
                observer);
    }

    private LeaseTimeToLiveResponse timeToLive(LeaseTimeToLiveRequest request) {
        LeaseTimeToLiveResponse.Builder response = LeaseTimeToLiveResponse.newBuilder()
                .setHeader(headers.at(RANGE, store.watchHub(RANGE).revision()))
                .setID(request.getID());
        store.lease(RANGE, request.getID())
                .ifPresentOrElse(
                        lease -> {
                            long remaining = store.leaseClock(RANGE)
                                    .remaining(lease.id())
                                    .map(d -> TimeUnit.NANOSECONDS.toSeconds(d.toNanos()))
                                    .orElse(lease.grantedTtlSeconds());
                            response.setTTL(remaining).setGrantedTTL(lease.grantedTtlSeconds());
                            if (request.getKeys()) {
                                response.addAllKeys(lease.keys());
                            }
                        },
                        // etcd answers an unknown lease with TTL -1 rather than an error.
                        () -> response.setTTL(-1));
        return response.build();
    }

    @Override
    public void leaseLeases(LeaseLeasesRequest request, StreamObserver<LeaseLeasesResponse> observer) {
        replies.send(
                () -> node.awaitLinearizable(RANGE)
                        .thenApplyAsync(
                                ignored -> {
                                    LeaseLeasesResponse.Builder response = LeaseLeasesResponse.newBuilder()
                                            .setHeader(headers.at(
                                                    RANGE, store.watchHub(RANGE).revision()));
                                    for (LeaseChange.Granted lease : store.leases(RANGE)) {
                                        response.addLeases(
                                                LeaseStatus.newBuilder().setID(lease.leaseId()));
                                    }
                                    return response.build();
                                },
                                executor),
                observer);
    }
}
