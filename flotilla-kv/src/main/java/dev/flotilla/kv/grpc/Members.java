package dev.flotilla.kv.grpc;

import dev.flotilla.kv.ClusterDirectory;
import dev.flotilla.kv.command.MemberRecord;
import dev.flotilla.kv.etcd.etcdserverpb.Member;
import dev.flotilla.raft.Membership;
import java.util.List;

/** The Cluster API's view of members: Raft membership of the first range, attributes from the member table. */
final class Members {
    private Members() {}

    /** Every member of {@code membership} (voters and learners), in id order. */
    static List<Member> list(Membership membership, ClusterDirectory directory) {
        return membership.allMembers().stream()
                .map(id -> directory
                        .member(id)
                        .map(row -> of(row, membership.learners().contains(id)))
                        .orElseGet(() -> Member.newBuilder().setID(id).build()))
                .toList();
    }

    static Member of(MemberRecord row, boolean learner) {
        return Member.newBuilder()
                .setID(row.getId())
                .setName(row.getName())
                .addAllPeerURLs(row.getPeerUrlsList())
                .addAllClientURLs(row.getClientUrlsList())
                .setIsLearner(learner)
                .build();
    }
}
