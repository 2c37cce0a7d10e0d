package dev.flotilla.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.etcd.etcdserverpb.CompactionRequest;
import dev.flotilla.kv.etcd.etcdserverpb.Compare;
import dev.flotilla.kv.etcd.etcdserverpb.DeleteRangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.KVGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.PutRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest.SortOrder;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest.SortTarget;
import dev.flotilla.kv.etcd.etcdserverpb.RangeResponse;
import dev.flotilla.kv.etcd.etcdserverpb.RequestOp;
import dev.flotilla.kv.etcd.etcdserverpb.TxnRequest;
import dev.flotilla.kv.etcd.mvccpb.KeyValue;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three servers whose key space is cut at "g" and "p" into three ranges, each its own Raft group: requests find their
 * range, reads across ranges merge, and writes across ranges are refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiRangeTest {
    @TempDir
    static Path dir;

    LocalCluster cluster;
    KVGrpc.KVBlockingStub kv;
    /** The header revisions of c, h and z right after the first writes, before other tests write. */
    List<Long> revisionsAfterSetup;

    @BeforeAll
    void start() throws Exception {
        cluster = new LocalCluster(dir, 3, LocalCluster.fastTiming(), new RangesConfig(List.of("g", "p")));
        for (long range = 1; range <= 3; range++) {
            cluster.awaitLeader(range);
        }
        kv = cluster.kv(1);
        // Range 1 gets a and c, range 2 gets h twice, range 3 gets q and z: each range counts its own revisions.
        for (String key : List.of("a", "h", "q", "c", "h", "z")) {
            kv.put(PutRequest.newBuilder()
                    .setKey(bytes(key))
                    .setValue(bytes("v-" + key))
                    .build());
        }
        revisionsAfterSetup = List.of(
                get("c").getHeader().getRevision(),
                get("h").getHeader().getRevision(),
                get("z").getHeader().getRevision());
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void eachRangeIsItsOwnGroupWithItsOwnRevisions() {
        assertEquals(3, cluster.server(1).node().groups().size());
        // Six puts, two in each range: every range is at revision 3 (revisions start at 1).
        assertEquals(List.of(3L, 3L, 3L), revisionsAfterSetup);
        assertEquals(2, get("h").getKvs(0).getVersion());
    }

    @Test
    void aReadAcrossRangesMergesTheirKeysInOrder() {
        RangeResponse all = kv.range(RangeRequest.newBuilder()
                .setKey(bytes("\0"))
                .setRangeEnd(bytes("\0"))
                .build());
        assertEquals(List.of("a", "c", "h", "q", "z"), keys(all));
        assertEquals(5, all.getCount());
        assertFalse(all.getMore());

        RangeResponse limited = kv.range(RangeRequest.newBuilder()
                .setKey(bytes("b"))
                .setRangeEnd(bytes("r"))
                .setLimit(2)
                .build());
        assertEquals(List.of("c", "h"), keys(limited));
        assertEquals(3, limited.getCount(), "c, h and q lie in [b, r)");
        assertTrue(limited.getMore());

        RangeResponse descending = kv.range(RangeRequest.newBuilder()
                .setKey(bytes("a"))
                .setRangeEnd(bytes("{"))
                .setSortOrder(SortOrder.DESCEND)
                .setSortTarget(SortTarget.KEY)
                .setLimit(3)
                .build());
        assertEquals(List.of("z", "q", "h"), keys(descending));

        RangeResponse byVersion = kv.range(RangeRequest.newBuilder()
                .setKey(bytes("a"))
                .setRangeEnd(bytes("{"))
                .setSortOrder(SortOrder.DESCEND)
                .setSortTarget(SortTarget.VERSION)
                .setLimit(1)
                .build());
        assertEquals(List.of("h"), keys(byVersion), "h is the only key at version 2");

        RangeResponse counted = kv.range(RangeRequest.newBuilder()
                .setKey(bytes("a"))
                .setRangeEnd(bytes("{"))
                .setCountOnly(true)
                .build());
        assertEquals(5, counted.getCount());
        assertEquals(0, counted.getKvsCount());
    }

    @Test
    void writesAndRevisionReadsAcrossRangesAreRefusedNamingTheRanges() {
        StatusRuntimeException delete = assertThrows(
                StatusRuntimeException.class,
                () -> kv.deleteRange(DeleteRangeRequest.newBuilder()
                        .setKey(bytes("a"))
                        .setRangeEnd(bytes("i"))
                        .build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, delete.getStatus().getCode());
        assertTrue(delete.getStatus().getDescription().contains("spans ranges 1, 2"), delete.getMessage());

        StatusRuntimeException txn = assertThrows(
                StatusRuntimeException.class,
                () -> kv.txn(TxnRequest.newBuilder()
                        .addCompare(Compare.newBuilder()
                                .setKey(bytes("a"))
                                .setTarget(Compare.CompareTarget.VERSION)
                                .setResult(Compare.CompareResult.GREATER)
                                .setVersion(0))
                        .addSuccess(RequestOp.newBuilder()
                                .setRequestPut(PutRequest.newBuilder()
                                        .setKey(bytes("z"))
                                        .setValue(bytes("x"))))
                        .build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, txn.getStatus().getCode());
        assertTrue(txn.getStatus().getDescription().contains("spans ranges 1, 3"), txn.getMessage());
        assertEquals("v-z", get("z").getKvs(0).getValue().toStringUtf8(), "nothing of the refused Txn applied");

        StatusRuntimeException atRevision = assertThrows(
                StatusRuntimeException.class,
                () -> kv.range(RangeRequest.newBuilder()
                        .setKey(bytes("a"))
                        .setRangeEnd(bytes("z"))
                        .setRevision(2)
                        .build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, atRevision.getStatus().getCode());

        // Within one range, a Txn and a DeleteRange work as in etcd.
        kv.txn(TxnRequest.newBuilder()
                .addSuccess(RequestOp.newBuilder()
                        .setRequestPut(
                                PutRequest.newBuilder().setKey(bytes("r")).setValue(bytes("v-r"))))
                .addSuccess(RequestOp.newBuilder()
                        .setRequestRange(RangeRequest.newBuilder().setKey(bytes("q"))))
                .build());
        assertEquals(
                1,
                kv.deleteRange(DeleteRangeRequest.newBuilder()
                                .setKey(bytes("r"))
                                .setRangeEnd(bytes("s"))
                                .build())
                        .getDeleted());
    }

    @Test
    void compactionReachesEveryRangeThatHasTheRevision() {
        kv.compact(CompactionRequest.newBuilder().setRevision(2).build());
        StatusRuntimeException compacted = assertThrows(
                StatusRuntimeException.class,
                () -> kv.range(RangeRequest.newBuilder()
                        .setKey(bytes("h"))
                        .setRevision(1)
                        .build()));
        assertEquals(Status.Code.OUT_OF_RANGE, compacted.getStatus().getCode(), "range 2 compacted at 2");
    }

    private RangeResponse get(String key) {
        return kv.range(RangeRequest.newBuilder().setKey(bytes(key)).build());
    }

    private static List<String> keys(RangeResponse response) {
        return response.getKvsList().stream()
                .map(KeyValue::getKey)
                .map(ByteString::toStringUtf8)
                .toList();
    }

    private static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }
}
