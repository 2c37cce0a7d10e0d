package dev.flotilla.kv.grpc;

import dev.flotilla.kv.ClusterDirectory;
import dev.flotilla.kv.RangeMap;
import dev.flotilla.kv.etcd.etcdserverpb.ClusterGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.MemberAddRequest;
import dev.flotilla.kv.etcd.etcdserverpb.MemberAddResponse;
import dev.flotilla.kv.etcd.etcdserverpb.MemberListRequest;
import dev.flotilla.kv.etcd.etcdserverpb.MemberListResponse;
import dev.flotilla.kv.etcd.etcdserverpb.MemberPromoteRequest;
import dev.flotilla.kv.etcd.etcdserverpb.MemberPromoteResponse;
import dev.flotilla.kv.etcd.etcdserverpb.MemberRemoveRequest;
import dev.flotilla.kv.etcd.etcdserverpb.MemberRemoveResponse;
import dev.flotilla.runtime.RaftNode;
import io.grpc.stub.StreamObserver;

/**
 * etcd's Cluster service. The members of the cluster are the members of the first range's Raft group, as this node
 * last applied them, learners included; their names and URLs come from the member table ({@link ClusterDirectory}).
 * MemberAdd, MemberRemove and MemberPromote are {@link MembershipChanges} and need the root role once auth is on;
 * MemberList does not (clients list members to find endpoints). MemberUpdate is UNIMPLEMENTED.
 */
final class ClusterService extends ClusterGrpc.ClusterImplBase {
    private final RaftNode node;
    private final ClusterDirectory directory;
    private final MembershipChanges changes;
    private final ResponseHeaders headers;
    private final Replies replies;
    private final AccessControl access;

    ClusterService(
            RaftNode node,
            ClusterDirectory directory,
            MembershipChanges changes,
            ResponseHeaders headers,
            Replies replies,
            AccessControl access) {
        this.node = node;
        this.directory = directory;
        this.changes = changes;
        this.headers = headers;
        this.replies = replies;
        this.access = access;
    }

    @Override
    public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> observer) {
        replies.send(
                () -> RangeStatus.of(node, RangeMap.FIRST_RANGE).thenApply(status -> MemberListResponse.newBuilder()
                        .setHeader(headers.of(status))
                        .addAllMembers(Members.list(status.membership(), directory))
                        .build()),
                observer);
    }

    @Override
    public void memberAdd(MemberAddRequest request, StreamObserver<MemberAddResponse> observer) {
        replies.send(
                () -> {
                    access.requireRoot();
                    return changes.add(request);
                },
                observer);
    }

    @Override
    public void memberRemove(MemberRemoveRequest request, StreamObserver<MemberRemoveResponse> observer) {
        replies.send(
                () -> {
                    access.requireRoot();
                    return changes.remove(request);
                },
                observer);
    }

    @Override
    public void memberPromote(MemberPromoteRequest request, StreamObserver<MemberPromoteResponse> observer) {
        replies.send(
                () -> {
                    access.requireRoot();
                    return changes.promote(request);
                },
                observer);
    }
}
