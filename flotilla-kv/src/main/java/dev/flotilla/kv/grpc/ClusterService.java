package dev.flotilla.kv.grpc;

import dev.flotilla.kv.RangeMap;
import dev.flotilla.kv.ServerConfig;
import dev.flotilla.kv.etcd.etcdserverpb.ClusterGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.Member;
import dev.flotilla.kv.etcd.etcdserverpb.MemberListRequest;
import dev.flotilla.kv.etcd.etcdserverpb.MemberListResponse;
import dev.flotilla.raft.Membership;
import dev.flotilla.runtime.RaftNode;
import io.grpc.stub.StreamObserver;
import java.util.TreeSet;

/**
 * etcd's Cluster service. The members of the cluster are the members of the first range's Raft group, as this node
 * last applied them; their addresses come from the configuration. MemberAdd, MemberRemove and MemberPromote come with
 * the membership commands (UNIMPLEMENTED until then).
 */
final class ClusterService extends ClusterGrpc.ClusterImplBase {
    private final RaftNode node;
    private final ServerConfig config;
    private final ResponseHeaders headers;
    private final Replies replies;

    ClusterService(RaftNode node, ServerConfig config, ResponseHeaders headers, Replies replies) {
        this.node = node;
        this.config = config;
        this.headers = headers;
        this.replies = replies;
    }

    @Override
    public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> observer) {
        replies.send(
                () -> RangeStatus.of(node, RangeMap.FIRST_RANGE).thenApply(status -> {
                    Membership membership = status.membership();
                    MemberListResponse.Builder response =
                            MemberListResponse.newBuilder().setHeader(headers.of(status));
                    for (long id : new TreeSet<>(membership.allMembers())) {
                        response.addMembers(member(id, membership.learners().contains(id)));
                    }
                    return response.build();
                }),
                observer);
    }

    private Member member(long id, boolean learner) {
        Member.Builder member =
                Member.newBuilder().setID(id).setName("node-" + id).setIsLearner(learner);
        config.member(id).ifPresent(m -> member.addPeerURLs(m.peerUrl()).addClientURLs(m.clientUrl()));
        return member.build();
    }
}
