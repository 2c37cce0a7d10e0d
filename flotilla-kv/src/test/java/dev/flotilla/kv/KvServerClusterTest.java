package dev.flotilla.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.etcd.etcdserverpb.ClusterGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.CompactionRequest;
import dev.flotilla.kv.etcd.etcdserverpb.Compare;
import dev.flotilla.kv.etcd.etcdserverpb.DeleteRangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseGrantRequest;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.MaintenanceGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.Member;
import dev.flotilla.kv.etcd.etcdserverpb.MemberListRequest;
import dev.flotilla.kv.etcd.etcdserverpb.PutRequest;
import dev.flotilla.kv.etcd.etcdserverpb.PutResponse;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeResponse;
import dev.flotilla.kv.etcd.etcdserverpb.RequestOp;
import dev.flotilla.kv.etcd.etcdserverpb.StatusRequest;
import dev.flotilla.kv.etcd.etcdserverpb.StatusResponse;
import dev.flotilla.kv.etcd.etcdserverpb.TxnRequest;
import dev.flotilla.kv.etcd.etcdserverpb.TxnResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Three real servers in this JVM, spoken to with the generated etcd gRPC stubs, as an etcd client would. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KvServerClusterTest {
    @TempDir
    static Path dir;

    LocalCluster cluster;
    long leader;
    long follower;

    @BeforeAll
    void start() throws Exception {
        cluster = new LocalCluster(dir, 3, LocalCluster.fastTiming());
        leader = cluster.awaitLeader();
        follower = leader == 1 ? 2 : 1;
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void aFollowerServesALinearizableReadOfAWriteMadeOnTheLeader() {
        PutResponse put = cluster.kv(leader).put(put("lin/key", "v1"));
        RangeResponse read = cluster.kv(follower).range(get("lin/key"));
        assertEquals("v1", read.getKvs(0).getValue().toStringUtf8());
        assertEquals(put.getHeader().getRevision(), read.getKvs(0).getModRevision());
        assertEquals(follower, read.getHeader().getMemberId());
        assertEquals(LocalCluster.CLUSTER_ID, read.getHeader().getClusterId());
        assertTrue(read.getHeader().getRaftTerm() > 0);
    }

    @Test
    void aWriteToAFollowerIsForwardedToTheLeader() {
        PutResponse first = cluster.kv(follower).put(put("fwd/key", "a"));
        PutResponse second = cluster.kv(follower)
                .put(put("fwd/key", "b").toBuilder().setPrevKv(true).build());
        assertEquals("a", second.getPrevKv().getValue().toStringUtf8());
        assertEquals(first.getHeader().getRevision() + 1, second.getHeader().getRevision());
        assertEquals(2, cluster.kv(leader).range(get("fwd/key")).getKvs(0).getVersion());
    }

    @Test
    void deleteRangeRemovesAPrefixAndReturnsThePreviousValues() {
        cluster.kv(leader).put(put("del/a", "1"));
        cluster.kv(leader).put(put("del/b", "2"));
        cluster.kv(leader).put(put("keep", "3"));
        var deleted = cluster.kv(follower)
                .deleteRange(DeleteRangeRequest.newBuilder()
                        .setKey(bytes("del/"))
                        .setRangeEnd(bytes("del0"))
                        .setPrevKv(true)
                        .build());
        assertEquals(2, deleted.getDeleted());
        assertEquals(
                List.of("1", "2"),
                deleted.getPrevKvsList().stream()
                        .map(kv -> kv.getValue().toStringUtf8())
                        .toList());
        assertEquals(0, cluster.kv(leader).range(prefix("del/")).getCount());
        assertEquals(1, cluster.kv(leader).range(get("keep")).getCount());
    }

    @Test
    void aTxnChoosesItsBranchByCompareAndAppliesAtomically() {
        cluster.kv(leader).put(put("txn/lock", "free"));
        TxnRequest take = TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder()
                        .setKey(bytes("txn/lock"))
                        .setTarget(Compare.CompareTarget.VALUE)
                        .setResult(Compare.CompareResult.EQUAL)
                        .setValue(bytes("free")))
                .addSuccess(RequestOp.newBuilder().setRequestPut(put("txn/lock", "taken")))
                .addSuccess(RequestOp.newBuilder().setRequestPut(put("txn/owner", "me")))
                .addFailure(RequestOp.newBuilder().setRequestRange(get("txn/owner")))
                .build();
        TxnResponse first = cluster.kv(follower).txn(take);
        assertTrue(first.getSucceeded());
        TxnResponse second = cluster.kv(follower).txn(take);
        assertFalse(second.getSucceeded());
        assertEquals(
                "me",
                second.getResponses(0).getResponseRange().getKvs(0).getValue().toStringUtf8());
        assertEquals(
                first.getHeader().getRevision(),
                cluster.kv(leader).range(get("txn/owner")).getKvs(0).getModRevision());
    }

    @Test
    void compactMakesOlderRevisionsUnreadableWithEtcdsError() {
        long before = cluster.kv(leader).put(put("cmp/key", "old")).getHeader().getRevision();
        long after = cluster.kv(leader).put(put("cmp/key", "new")).getHeader().getRevision();
        cluster.kv(follower)
                .compact(CompactionRequest.newBuilder().setRevision(after).build());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> cluster.kv(follower)
                .range(get("cmp/key").toBuilder().setRevision(before).build()));
        assertEquals(Status.Code.OUT_OF_RANGE, e.getStatus().getCode());
        assertEquals(
                "etcdserver: mvcc: required revision has been compacted",
                e.getStatus().getDescription());
        assertEquals(
                "new",
                cluster.kv(follower)
                        .range(get("cmp/key").toBuilder().setRevision(after).build())
                        .getKvs(0)
                        .getValue()
                        .toStringUtf8());
    }

    @Test
    void serializableReadsAnswerFromTheLocalReplica() {
        cluster.kv(leader).put(put("ser/key", "v"));
        // The leader acknowledged the put, so a linearizable read anywhere sees it; a serializable one may lag.
        cluster.kv(follower).range(get("ser/key"));
        RangeResponse local = cluster.kv(follower)
                .range(get("ser/key").toBuilder().setSerializable(true).build());
        assertEquals("v", local.getKvs(0).getValue().toStringUtf8());
    }

    @Test
    void badRequestsGetEtcdsCodesAndMessages() {
        StatusRuntimeException empty = assertThrows(
                StatusRuntimeException.class, () -> cluster.kv(leader).put(put("", "v")));
        assertEquals(Status.Code.INVALID_ARGUMENT, empty.getStatus().getCode());
        assertEquals("etcdserver: key is not provided", empty.getStatus().getDescription());

        StatusRuntimeException large = assertThrows(
                StatusRuntimeException.class, () -> cluster.kv(leader).put(put("big", "x".repeat(65 * 1024))));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, large.getStatus().getCode());
        assertEquals("etcdserver: request is too large", large.getStatus().getDescription());

        TxnRequest.Builder many = TxnRequest.newBuilder();
        for (int i = 0; i < 17; i++) {
            many.addSuccess(RequestOp.newBuilder().setRequestPut(put("many/" + i, "v")));
        }
        StatusRuntimeException tooMany = assertThrows(
                StatusRuntimeException.class, () -> cluster.kv(leader).txn(many.build()));
        assertEquals(
                "etcdserver: too many operations in txn request",
                tooMany.getStatus().getDescription());

        TxnRequest duplicate = TxnRequest.newBuilder()
                .addSuccess(RequestOp.newBuilder().setRequestPut(put("dup", "1")))
                .addSuccess(RequestOp.newBuilder().setRequestPut(put("dup", "2")))
                .build();
        StatusRuntimeException dup = assertThrows(
                StatusRuntimeException.class, () -> cluster.kv(leader).txn(duplicate));
        assertEquals(
                "etcdserver: duplicate key given in txn request",
                dup.getStatus().getDescription());
        assertEquals(0, cluster.kv(leader).range(get("dup")).getCount(), "nothing of a refused txn applies");

        StatusRuntimeException lease = assertThrows(StatusRuntimeException.class, () -> LeaseGrpc.newBlockingStub(
                        cluster.channel(leader))
                .leaseGrant(
                        LeaseGrantRequest.newBuilder().setTTL(9_000_000_001L).build()));
        assertEquals(Status.Code.OUT_OF_RANGE, lease.getStatus().getCode());
        assertEquals("etcdserver: too large lease TTL", lease.getStatus().getDescription());
        StatusRuntimeException noLease = assertThrows(StatusRuntimeException.class, () -> cluster.kv(follower)
                .put(put("leased", "v").toBuilder().setLease(12345).build()));
        assertEquals(Status.Code.NOT_FOUND, noLease.getStatus().getCode());
        assertEquals(
                "etcdserver: requested lease not found", noLease.getStatus().getDescription());
    }

    @Test
    void memberListAndStatusDescribeTheCluster() throws InterruptedException {
        List<Member> members = ClusterGrpc.newBlockingStub(cluster.channel(follower))
                .memberList(MemberListRequest.getDefaultInstance())
                .getMembersList();
        assertEquals(List.of(1L, 2L, 3L), members.stream().map(Member::getID).toList());
        assertEquals(
                "http://" + cluster.config(2).clientListenAddress().getHostString() + ":"
                        + cluster.config(2).clientListenAddress().getPort(),
                members.get(1).getClientURLs(0));

        StatusResponse status =
                MaintenanceGrpc.newBlockingStub(cluster.channel(follower)).status(StatusRequest.getDefaultInstance());
        assertEquals(cluster.awaitLeader(), status.getLeader());
        assertTrue(status.getRaftIndex() > 0);
        assertTrue(status.getDbSize() > 0);
        assertFalse(status.getIsLearner());
    }

    static PutRequest put(String key, String value) {
        return PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build();
    }

    static RangeRequest get(String key) {
        return RangeRequest.newBuilder().setKey(bytes(key)).build();
    }

    static RangeRequest prefix(String prefix) {
        ByteString start = bytes(prefix);
        byte[] end = start.toByteArray();
        end[end.length - 1]++;
        return RangeRequest.newBuilder()
                .setKey(start)
                .setRangeEnd(ByteString.copyFrom(end))
                .build();
    }

    static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }
}
