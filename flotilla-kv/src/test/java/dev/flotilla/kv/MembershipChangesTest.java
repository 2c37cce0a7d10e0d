package dev.flotilla.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.kv.etcd.etcdserverpb.ClusterGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.Member;
import dev.flotilla.kv.etcd.etcdserverpb.MemberAddRequest;
import dev.flotilla.kv.etcd.etcdserverpb.MemberAddResponse;
import dev.flotilla.kv.etcd.etcdserverpb.MemberListRequest;
import dev.flotilla.kv.etcd.etcdserverpb.MemberPromoteRequest;
import dev.flotilla.kv.etcd.etcdserverpb.MemberRemoveRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MemberAdd, MemberPromote and MemberRemove against three real servers in this JVM, and a fourth that joins the
 * running cluster with {@code initial-cluster-state: existing} and catches up from the log.
 */
class MembershipChangesTest {
    @TempDir
    Path dir;

    LocalCluster cluster;
    long follower;

    @BeforeEach
    void start() throws Exception {
        cluster = new LocalCluster(dir, 3, LocalCluster.fastTiming());
        long leader = cluster.awaitLeader();
        follower = leader == 1 ? 2 : 1;
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void aLearnerAddedThroughAFollowerJoinsCatchesUpIsPromotedAndRemoved() throws Exception {
        cluster.kv(follower).put(KvServerClusterTest.put("before/join", "1"));
        MemberConfig fourth = cluster.reserveMember();
        MemberAddResponse added = cluster(follower)
                .memberAdd(MemberAddRequest.newBuilder()
                        .addPeerURLs(fourth.peerUrl())
                        .setIsLearner(true)
                        .build());
        assertEquals(4, added.getMember().getID());
        assertTrue(added.getMember().getIsLearner());
        assertEquals("", added.getMember().getName(), "unstarted, as in etcd");
        assertEquals(List.of(fourth.peerUrl()), added.getMember().getPeerURLsList());

        Member listed = memberList(3).get(3);
        assertEquals(4, listed.getID());
        assertTrue(listed.getIsLearner(), "MemberList shows the learner as a learner");
        assertEquals(List.of(fourth.peerUrl()), listed.getPeerURLsList());

        StatusRuntimeException notReady = assertThrows(
                StatusRuntimeException.class, () -> cluster(follower).memberPromote(promote(4)));
        assertEquals(Status.Code.FAILED_PRECONDITION, notReady.getStatus().getCode());
        assertEquals(
                "etcdserver: can only promote a learner member which is in sync with leader",
                notReady.getStatus().getDescription());

        cluster.startJoining(4);
        await(
                "node 4 has caught up",
                () -> cluster.kv(4)
                                .range(RangeRequest.newBuilder()
                                        .setKey(KvServerClusterTest.bytes("before/join"))
                                        .setSerializable(true)
                                        .build())
                                .getCount()
                        == 1);
        await(
                "node 4 published its client URL",
                () -> memberList(follower).get(3).getClientURLsList().equals(List.of(fourth.clientUrl("http"))));
        assertEquals("node-4", memberList(1).get(3).getName());

        cluster(4).memberPromote(promote(4));
        assertFalse(memberList(follower).get(3).getIsLearner());
        cluster.kv(4).put(KvServerClusterTest.put("after/promote", "2"));

        cluster(4).memberRemove(MemberRemoveRequest.newBuilder().setID(4).build());
        assertEquals(
                List.of(1L, 2L, 3L),
                memberList(follower).stream().map(Member::getID).toList());
        for (long id = 1; id <= 3; id++) {
            assertTrue(cluster.server(id).directory().addressOf(4).isEmpty(), "node " + id + " forgets node 4");
        }
        cluster.kv(follower).put(KvServerClusterTest.put("after/remove", "3"));

        MemberAddResponse next = cluster(follower)
                .memberAdd(MemberAddRequest.newBuilder()
                        .addPeerURLs("http://127.0.0.1:1")
                        .build());
        assertEquals(5, next.getMember().getID(), "a removed member's id is never given out again");
        assertFalse(next.getMember().getIsLearner());
    }

    @Test
    void removingTheLeaderHandsLeadershipToAnotherVoterFirst() throws Exception {
        long leader = cluster.awaitLeader();
        cluster(follower)
                .memberRemove(MemberRemoveRequest.newBuilder().setID(leader).build());
        List<Long> remaining = memberList(follower).stream().map(Member::getID).toList();
        assertEquals(2, remaining.size());
        assertFalse(remaining.contains(leader));
        cluster.kv(follower).put(KvServerClusterTest.put("after/leader/removed", "1"));
    }

    @Test
    void badMembershipRequestsGetEtcdsCodesAndMessages() {
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> cluster(follower)
                .memberRemove(MemberRemoveRequest.newBuilder().setID(99).build()));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
        assertEquals("etcdserver: member not found", unknown.getStatus().getDescription());

        StatusRuntimeException unknownPromote = assertThrows(
                StatusRuntimeException.class, () -> cluster(follower).memberPromote(promote(99)));
        assertEquals("etcdserver: member not found", unknownPromote.getStatus().getDescription());

        StatusRuntimeException voter = assertThrows(
                StatusRuntimeException.class, () -> cluster(follower).memberPromote(promote(1)));
        assertEquals(Status.Code.FAILED_PRECONDITION, voter.getStatus().getCode());
        assertEquals(
                "etcdserver: can only promote a learner member",
                voter.getStatus().getDescription());

        StatusRuntimeException badUrl = assertThrows(StatusRuntimeException.class, () -> cluster(follower)
                .memberAdd(
                        MemberAddRequest.newBuilder().addPeerURLs("not a url").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, badUrl.getStatus().getCode());
        assertEquals(
                "etcdserver: given member URLs are invalid", badUrl.getStatus().getDescription());

        String taken = cluster.config(2).member(2).orElseThrow().peerUrl();
        StatusRuntimeException duplicate = assertThrows(StatusRuntimeException.class, () -> cluster(follower)
                .memberAdd(MemberAddRequest.newBuilder().addPeerURLs(taken).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, duplicate.getStatus().getCode());
        assertEquals(
                "etcdserver: Peer URLs already exists", duplicate.getStatus().getDescription());
    }

    private ClusterGrpc.ClusterBlockingStub cluster(long id) {
        return ClusterGrpc.newBlockingStub(cluster.channel(id)).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private List<Member> memberList(long id) {
        return cluster(id).memberList(MemberListRequest.getDefaultInstance()).getMembersList();
    }

    private static MemberPromoteRequest promote(long id) {
        return MemberPromoteRequest.newBuilder().setID(id).build();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (StatusRuntimeException e) {
                // not yet serving
            }
            Thread.sleep(50);
        }
        throw new AssertionError("within 15 s: " + what);
    }
}
