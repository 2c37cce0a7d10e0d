package dev.flotilla.kv.grpc;

import dev.flotilla.kv.KvStore;
import dev.flotilla.kv.RangeMap;
import dev.flotilla.kv.etcd.etcdserverpb.HashKVRequest;
import dev.flotilla.kv.etcd.etcdserverpb.HashKVResponse;
import dev.flotilla.kv.etcd.etcdserverpb.MaintenanceGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.StatusRequest;
import dev.flotilla.kv.etcd.etcdserverpb.StatusResponse;
import dev.flotilla.runtime.RaftNode;
import io.grpc.stub.StreamObserver;

/**
 * etcd's Maintenance service: {@code Status} reports this node's view of the first range (leader, term, commit and
 * applied index) and the size of the node's whole store; {@code HashKV} checksums the first range's history and needs
 * the root role once auth is on (Status does not, as in etcd). The other calls are UNIMPLEMENTED.
 */
final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
    /** The etcd API version clients see; the suffix says who answers. */
    static final String VERSION = "3.4.0-flotilla";

    private final RaftNode node;
    private final KvStore store;
    private final long nodeId;
    private final ResponseHeaders headers;
    private final Replies replies;
    private final AccessControl access;

    MaintenanceService(
            RaftNode node, KvStore store, long nodeId, ResponseHeaders headers, Replies replies, AccessControl access) {
        this.node = node;
        this.store = store;
        this.nodeId = nodeId;
        this.headers = headers;
        this.replies = replies;
        this.access = access;
    }

    /** Hashes this node's own copy (no linearizable wait), as etcd does: compare replicas at one revision. */
    @Override
    public void hashKV(HashKVRequest request, StreamObserver<HashKVResponse> observer) {
        replies.sendFromWorker(
                () -> {
                    access.requireRoot();
                    HashKVResponse response = store.hashKv(RangeMap.FIRST_RANGE, request.getRevision());
                    return RangeStatus.of(node, RangeMap.FIRST_RANGE).thenApply(status -> response.toBuilder()
                            .setHeader(headers.of(status).toBuilder()
                                    .setRevision(response.getHeader().getRevision()))
                            .build());
                },
                observer);
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> observer) {
        replies.send(
                () -> {
                    long size = store.sizeBytes();
                    return RangeStatus.of(node, RangeMap.FIRST_RANGE).thenApply(status -> StatusResponse.newBuilder()
                            .setHeader(headers.of(status))
                            .setVersion(VERSION)
                            .setDbSize(size)
                            .setDbSizeInUse(size)
                            .setLeader(status.leader())
                            .setRaftIndex(status.hardState().commit())
                            .setRaftTerm(status.hardState().term())
                            .setRaftAppliedIndex(status.applied())
                            .setIsLearner(status.membership().learners().contains(nodeId))
                            .build());
                },
                observer);
    }
}
