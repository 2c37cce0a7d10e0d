package dev.flotilla.kv.mvcc;

import static dev.flotilla.kv.mvcc.StoreFixture.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.kv.command.CommandResult;
import dev.flotilla.kv.command.Rejection;
import dev.flotilla.kv.etcd.etcdserverpb.Compare;
import dev.flotilla.kv.etcd.etcdserverpb.Compare.CompareResult;
import dev.flotilla.kv.etcd.etcdserverpb.Compare.CompareTarget;
import dev.flotilla.kv.etcd.etcdserverpb.PutRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RequestOp;
import dev.flotilla.kv.etcd.etcdserverpb.TxnRequest;
import dev.flotilla.kv.etcd.etcdserverpb.TxnResponse;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TxnTest {
    @TempDir
    Path dir;

    StoreFixture store;

    @BeforeEach
    void open() throws IOException {
        store = new StoreFixture(dir);
        store.put("a", "1"); // 2
        store.put("a", "2"); // 3
        store.put("b", "x"); // 4
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void comparesOnValueVersionCreateAndModRevisionChooseTheBranch() {
        assertTrue(
                succeeds(compare("a", CompareTarget.VALUE, CompareResult.EQUAL).setValue(bytes("2"))));
        assertFalse(
                succeeds(compare("a", CompareTarget.VALUE, CompareResult.EQUAL).setValue(bytes("1"))));
        assertTrue(succeeds(
                compare("a", CompareTarget.VALUE, CompareResult.GREATER).setValue(bytes("1"))));
        assertTrue(succeeds(
                compare("a", CompareTarget.VERSION, CompareResult.EQUAL).setVersion(2)));
        assertTrue(
                succeeds(compare("a", CompareTarget.CREATE, CompareResult.EQUAL).setCreateRevision(2)));
        assertTrue(succeeds(compare("a", CompareTarget.MOD, CompareResult.LESS).setModRevision(4)));
        assertTrue(succeeds(
                compare("a", CompareTarget.MOD, CompareResult.NOT_EQUAL).setModRevision(2)));
    }

    @Test
    void aMissingKeyHasVersionZeroAndFailsEveryValueCompare() {
        assertTrue(succeeds(
                compare("zz", CompareTarget.VERSION, CompareResult.EQUAL).setVersion(0)));
        assertTrue(succeeds(
                compare("zz", CompareTarget.CREATE, CompareResult.EQUAL).setCreateRevision(0)));
        assertFalse(succeeds(
                compare("zz", CompareTarget.VALUE, CompareResult.NOT_EQUAL).setValue(bytes("q"))));
    }

    @Test
    void aCompareOverARangeHoldsOnlyIfEveryKeyHolds() {
        Compare.Builder allPositiveVersion = compare("a", CompareTarget.VERSION, CompareResult.GREATER)
                .setVersion(0)
                .setRangeEnd(bytes("c"));
        assertTrue(succeeds(allPositiveVersion));
        Compare.Builder allVersionTwo = compare("a", CompareTarget.VERSION, CompareResult.EQUAL)
                .setVersion(2)
                .setRangeEnd(bytes("c"));
        assertFalse(succeeds(allVersionTwo), "b has version 1");
    }

    @Test
    void aTxnIsOneRevisionAndItsReadsSeeItsOwnWrites() {
        TxnRequest txn = TxnRequest.newBuilder()
                .addSuccess(put("c", "1"))
                .addSuccess(put("d", "1"))
                .addSuccess(RequestOp.newBuilder()
                        .setRequestRange(RangeRequest.newBuilder().setKey(bytes("c"))))
                .build();
        TxnResponse response = store.txn(txn).getTxn();
        assertTrue(response.getSucceeded());
        assertEquals(5, response.getHeader().getRevision());
        assertEquals(5, response.getResponses(0).getResponsePut().getHeader().getRevision());
        assertEquals(
                "1",
                response.getResponses(2).getResponseRange().getKvs(0).getValue().toStringUtf8());
        assertEquals(5, store.get("c").getKvs(0).getModRevision());
        assertEquals(5, store.get("d").getKvs(0).getModRevision());
    }

    @Test
    void theFailureBranchAndNestedTxnsRun() {
        TxnRequest inner = TxnRequest.newBuilder()
                .addCompare(
                        compare("b", CompareTarget.VALUE, CompareResult.EQUAL).setValue(bytes("x")))
                .addSuccess(put("nested", "yes"))
                .build();
        TxnRequest outer = TxnRequest.newBuilder()
                .addCompare(
                        compare("a", CompareTarget.VALUE, CompareResult.EQUAL).setValue(bytes("nope")))
                .addSuccess(put("success", "1"))
                .addFailure(put("failure", "1"))
                .addFailure(RequestOp.newBuilder().setRequestTxn(inner))
                .build();
        TxnResponse response = store.txn(outer).getTxn();
        assertFalse(response.getSucceeded());
        assertTrue(response.getResponses(1).getResponseTxn().getSucceeded());
        assertEquals(0, store.get("success").getCount());
        assertEquals(1, store.get("failure").getCount());
        assertEquals(5, store.get("nested").getKvs(0).getModRevision(), "the nested txn shares the revision");
    }

    @Test
    void aRejectedTxnAppliesNothingAndTheBatchGoesOn() {
        store.compact(3);
        TxnRequest readsCompacted = TxnRequest.newBuilder()
                .addSuccess(put("c", "1"))
                .addSuccess(RequestOp.newBuilder()
                        .setRequestRange(
                                RangeRequest.newBuilder().setKey(bytes("a")).setRevision(2)))
                .build();
        var results = store.applyBatch(
                dev.flotilla.kv.command.Command.newBuilder()
                        .setTxn(readsCompacted)
                        .build(),
                dev.flotilla.kv.command.Command.newBuilder()
                        .setPut(PutRequest.newBuilder().setKey(bytes("e")).setValue(bytes("1")))
                        .build());
        CommandResult rejected = results.get(0);
        assertEquals(Rejection.Kind.COMPACTED, rejected.getRejection().getKind());
        assertEquals(0, store.get("c").getCount(), "the txn's put was rolled back");
        assertEquals(5, results.get(1).getPut().getHeader().getRevision(), "the rejected txn used no revision");
        assertEquals(1, store.get("e").getCount());
    }

    @Test
    void aReadOnlyTxnIsServedFromASnapshot() {
        TxnRequest txn = TxnRequest.newBuilder()
                .addCompare(
                        compare("a", CompareTarget.VERSION, CompareResult.EQUAL).setVersion(2))
                .addSuccess(RequestOp.newBuilder()
                        .setRequestRange(RangeRequest.newBuilder().setKey(bytes("b"))))
                .build();
        TxnResponse response = store.store().readOnlyTxn(StoreFixture.RANGE, txn);
        assertTrue(response.getSucceeded());
        assertEquals(4, response.getHeader().getRevision());
        assertEquals(
                "x",
                response.getResponses(0).getResponseRange().getKvs(0).getValue().toStringUtf8());
    }

    private boolean succeeds(Compare.Builder compare) {
        CommandResult result =
                store.txn(TxnRequest.newBuilder().addCompare(compare).build());
        return result.getTxn().getSucceeded();
    }

    private static Compare.Builder compare(String key, CompareTarget target, CompareResult result) {
        return Compare.newBuilder().setKey(bytes(key)).setTarget(target).setResult(result);
    }

    private static RequestOp put(String key, String value) {
        return RequestOp.newBuilder()
                .setRequestPut(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)))
                .build();
    }
}
