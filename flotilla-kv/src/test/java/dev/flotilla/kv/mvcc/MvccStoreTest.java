package dev.flotilla.kv.mvcc;

import static dev.flotilla.kv.mvcc.StoreFixture.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.RejectedRequestException;
import dev.flotilla.kv.command.Command;
import dev.flotilla.kv.command.CommandResult;
import dev.flotilla.kv.command.Rejection;
import dev.flotilla.kv.etcd.etcdserverpb.PutRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest.SortOrder;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest.SortTarget;
import dev.flotilla.kv.etcd.etcdserverpb.RangeResponse;
import dev.flotilla.kv.etcd.mvccpb.KeyValue;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MvccStoreTest {
    @TempDir
    Path dir;

    StoreFixture store;

    @BeforeEach
    void open() throws IOException {
        store = new StoreFixture(dir);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void everyPutCreatesARevisionAndKeysKeepCreateModAndVersion() {
        assertEquals(1, store.get("a").getHeader().getRevision(), "an empty store is at revision 1, as in etcd");
        assertEquals(2, store.put("a", "1").getPut().getHeader().getRevision());
        assertEquals(3, store.put("b", "1").getPut().getHeader().getRevision());
        assertEquals(4, store.put("a", "2").getPut().getHeader().getRevision());

        KeyValue a = store.get("a").getKvs(0);
        assertEquals(2, a.getCreateRevision());
        assertEquals(4, a.getModRevision());
        assertEquals(2, a.getVersion());
        assertEquals("2", a.getValue().toStringUtf8());
        assertEquals(4, store.get("a").getHeader().getRevision());
    }

    @Test
    void rangeAtAnOlderRevisionSeesTheValuesOfThatRevision() {
        store.put("a", "1"); // 2
        store.put("a", "2"); // 3
        store.delete("a", ""); // 4
        assertEquals("1", at("a", 2).getKvs(0).getValue().toStringUtf8());
        assertEquals("2", at("a", 3).getKvs(0).getValue().toStringUtf8());
        assertEquals(0, at("a", 4).getCount());
        assertEquals(0, at("a", 1).getCount());
        assertEquals(0, store.get("a").getCount());
    }

    @Test
    void aKeyRecreatedAfterDeleteStartsANewGeneration() {
        store.put("a", "1"); // 2
        store.put("a", "2"); // 3
        CommandResult deleted = store.delete("a", "");
        assertEquals(1, deleted.getDeleteRange().getDeleted());
        assertEquals("2", deleted.getDeleteRange().getPrevKvs(0).getValue().toStringUtf8());
        store.put("a", "3"); // 5
        KeyValue a = store.get("a").getKvs(0);
        assertEquals(5, a.getCreateRevision());
        assertEquals(1, a.getVersion());
    }

    @Test
    void deletingNothingCreatesNoRevision() {
        store.put("a", "1");
        CommandResult result = store.delete("zzz", "");
        assertEquals(0, result.getDeleteRange().getDeleted());
        assertEquals(2, result.getDeleteRange().getHeader().getRevision());
    }

    @Test
    void readingAFutureRevisionIsRejected() {
        store.put("a", "1");
        RejectedRequestException e = assertThrows(RejectedRequestException.class, () -> at("a", 3));
        assertEquals(Rejection.Kind.FUTURE_REVISION, e.rejection().getKind());
        assertEquals("etcdserver: mvcc: required revision is a future revision", e.getMessage());
    }

    @Test
    void compactRemovesHistoryBeforeTheRevisionAndKeepsWhatItSees() {
        store.put("a", "1"); // 2
        store.put("a", "2"); // 3
        store.put("b", "1"); // 4
        store.delete("b", ""); // 5
        store.put("a", "3"); // 6
        CommandResult compacted = store.compact(5);
        assertTrue(compacted.hasCompaction());
        assertEquals(6, compacted.getCompaction().getHeader().getRevision(), "compaction creates no revision");

        RejectedRequestException e = assertThrows(RejectedRequestException.class, () -> at("a", 4));
        assertEquals(Rejection.Kind.COMPACTED, e.rejection().getKind());
        assertEquals("2", at("a", 5).getKvs(0).getValue().toStringUtf8(), "the compact revision itself stays readable");
        assertEquals(0, at("b", 5).getCount());
        assertEquals("3", store.get("a").getKvs(0).getValue().toStringUtf8());
        assertEquals(2, countStoredVersions(), "a@3 and a@6 remain; a@2 and both versions of b are gone");

        assertEquals(Rejection.Kind.COMPACTED, store.compact(5).getRejection().getKind());
        assertEquals(
                Rejection.Kind.FUTURE_REVISION, store.compact(7).getRejection().getKind());
    }

    @Test
    void putWithPrevKvReturnsThePreviousVersionAndIgnoreValueKeepsTheValue() {
        store.put("a", "1");
        CommandResult result = store.apply(Command.newBuilder()
                .setPut(PutRequest.newBuilder()
                        .setKey(bytes("a"))
                        .setIgnoreValue(true)
                        .setPrevKv(true))
                .build());
        assertEquals("1", result.getPut().getPrevKv().getValue().toStringUtf8());
        KeyValue a = store.get("a").getKvs(0);
        assertEquals("1", a.getValue().toStringUtf8());
        assertEquals(2, a.getVersion());

        CommandResult missing = store.apply(Command.newBuilder()
                .setPut(PutRequest.newBuilder().setKey(bytes("nope")).setIgnoreValue(true))
                .build());
        assertEquals(Rejection.Kind.KEY_NOT_FOUND, missing.getRejection().getKind());
        assertEquals("etcdserver: key not found", missing.getRejection().getMessage());
        assertEquals(3, store.get("a").getHeader().getRevision(), "a rejected put creates no revision");
    }

    @Test
    void rangeHonoursPrefixLimitCountSortKeysOnlyAndCountOnly() {
        for (String key : List.of("p/c", "p/a", "q", "p/b", "o")) {
            store.put(key, "v-" + key);
        }
        RangeRequest prefix = RangeRequest.newBuilder()
                .setKey(bytes("p/"))
                .setRangeEnd(bytes("p0"))
                .build();
        assertEquals(List.of("p/a", "p/b", "p/c"), keys(store.range(prefix)));

        RangeResponse limited = store.range(prefix.toBuilder().setLimit(2).build());
        assertEquals(List.of("p/a", "p/b"), keys(limited));
        assertTrue(limited.getMore());
        assertEquals(3, limited.getCount(), "count is every key in the span, not the limit");
        assertFalse(store.range(prefix.toBuilder().setLimit(3).build()).getMore());

        RangeResponse byCreateDescending = store.range(prefix.toBuilder()
                .setSortTarget(SortTarget.CREATE)
                .setSortOrder(SortOrder.DESCEND)
                .setLimit(2)
                .build());
        assertEquals(List.of("p/b", "p/a"), keys(byCreateDescending));

        assertEquals(
                List.of("p/c", "p/b", "p/a"),
                keys(store.range(
                        prefix.toBuilder().setSortOrder(SortOrder.DESCEND).build())));
        assertEquals(
                List.of("p/c", "p/a", "p/b"),
                keys(store.range(
                        prefix.toBuilder().setSortTarget(SortTarget.MOD).build())),
                "a sort target without an order sorts ascending");

        RangeResponse keysOnly =
                store.range(prefix.toBuilder().setKeysOnly(true).build());
        assertTrue(keysOnly.getKvsList().stream().allMatch(kv -> kv.getValue().isEmpty()));
        RangeResponse countOnly =
                store.range(prefix.toBuilder().setCountOnly(true).build());
        assertEquals(0, countOnly.getKvsCount());
        assertEquals(3, countOnly.getCount());

        RangeRequest fromKey = RangeRequest.newBuilder()
                .setKey(bytes("p/c"))
                .setRangeEnd(ByteString.copyFrom(new byte[] {0}))
                .build();
        assertEquals(List.of("p/c", "q"), keys(store.range(fromKey)));
        RangeRequest all =
                fromKey.toBuilder().setKey(ByteString.copyFrom(new byte[] {0})).build();
        assertEquals(5, store.range(all).getCount());
    }

    @Test
    void keysWithZeroBytesAndCommonPrefixesKeepByteOrder() {
        ByteString a = ByteString.copyFromUtf8("a");
        ByteString aZero = a.concat(ByteString.copyFrom(new byte[] {0}));
        ByteString aZeroZero = aZero.concat(ByteString.copyFrom(new byte[] {0}));
        ByteString aOne = a.concat(ByteString.copyFrom(new byte[] {1}));
        ByteString aHigh = a.concat(ByteString.copyFrom(new byte[] {(byte) 0xFF}));
        for (ByteString key : List.of(aHigh, aOne, aZeroZero, a, aZero)) {
            store.apply(Command.newBuilder()
                    .setPut(PutRequest.newBuilder().setKey(key).setValue(key))
                    .build());
        }
        RangeResponse all = store.range(
                RangeRequest.newBuilder().setKey(a).setRangeEnd(bytes("b")).build());
        assertEquals(
                List.of(a, aZero, aZeroZero, aOne, aHigh),
                all.getKvsList().stream().map(KeyValue::getKey).toList());
        assertEquals(
                1, store.range(RangeRequest.newBuilder().setKey(aZero).build()).getCount());
    }

    @Test
    void appliedStateAndRevisionSurviveAFlushAndReopen() throws IOException {
        store.put("a", "1");
        store.put("b", "2");
        long applied = store.index();
        assertEquals(0, store.machine().durableAppliedIndex(), "nothing is durable before a flush");
        store.reopen(); // close flushes
        assertEquals(applied, store.machine().durableAppliedIndex());
        assertEquals("2", store.get("b").getKvs(0).getValue().toStringUtf8());
        assertEquals(4, store.put("c", "3").getPut().getHeader().getRevision(), "revisions continue after reopen");
    }

    @Test
    void aFlushWhileRunningMakesTheAppliedIndexDurable() {
        store.put("a", "1");
        store.put("b", "2");
        ((MvccDatabase) store.store()).flush();
        assertEquals(store.index(), store.machine().durableAppliedIndex());
    }

    @Test
    void hashKvChecksumsTheHistoryUpToARevisionAndAgreesAcrossReplicas() throws IOException {
        store.put("a", "1");
        int atTwo = store.store().hashKv(StoreFixture.RANGE, 0).getHash();
        store.put("a", "2");
        assertEquals(atTwo, store.store().hashKv(StoreFixture.RANGE, 2).getHash(), "history up to 2 is unchanged");
        int atThree = store.store().hashKv(StoreFixture.RANGE, 0).getHash();
        assertTrue(atTwo != atThree, "a new version changes the hash");

        try (StoreFixture replica = new StoreFixture(dir.resolve("replica"))) {
            replica.put("a", "1");
            replica.put("a", "3");
            assertTrue(atThree != replica.store().hashKv(StoreFixture.RANGE, 0).getHash(), "a different value");
            assertEquals(atTwo, replica.store().hashKv(StoreFixture.RANGE, 2).getHash(), "the same first revision");
        }
        RejectedRequestException e =
                assertThrows(RejectedRequestException.class, () -> store.store().hashKv(StoreFixture.RANGE, 9));
        assertEquals(Rejection.Kind.FUTURE_REVISION, e.rejection().getKind());
    }

    @Test
    void snapshotRestoresTheWholeHistoryOnAnotherReplicaAndReplacesWhatItHeld() throws IOException {
        store.put("a", "1");
        store.put("b", "2");
        store.put("a", "3");
        store.delete("b", "");
        store.compact(2);
        long lease = LeaseStateMachineTest.grant(store, 0, 30).getLeaseGrant().getID();
        LeaseStateMachineTest.putWithLease(store, "leased", lease);
        byte[] snapshot = store.machine().snapshot();

        try (StoreFixture replica = new StoreFixture(dir.resolve("replica"))) {
            replica.put("stale", "x");
            replica.machine().restore(snapshot, store.index());
            assertEquals(
                    store.store().hashKv(StoreFixture.RANGE, 0).getHash(),
                    replica.store().hashKv(StoreFixture.RANGE, 0).getHash(),
                    "the same history");
            assertEquals(
                    store.store().leases(StoreFixture.RANGE), replica.store().leases(StoreFixture.RANGE));
            assertTrue(
                    replica.store()
                            .leaseClock(StoreFixture.RANGE)
                            .remaining(lease)
                            .isPresent(),
                    "lease followed");
            assertEquals(
                    List.of("a", "leased"),
                    keys(replica.range(RangeRequest.newBuilder()
                            .setKey(bytes("\0"))
                            .setRangeEnd(bytes("\0"))
                            .build())));
            assertEquals(6, replica.get("a").getHeader().getRevision(), "revision of the snapshot");
            assertEquals(
                    Rejection.Kind.COMPACTED,
                    assertThrows(
                                    RejectedRequestException.class,
                                    () -> replica.range(RangeRequest.newBuilder()
                                            .setKey(bytes("a"))
                                            .setRevision(1)
                                            .build()))
                            .rejection()
                            .getKind(),
                    "the compaction came along");

            replica.reopen();
            assertEquals(store.index(), replica.index(), "restored state is durable after a flush and reopen");
        }
    }

    @Test
    void snapshotWithKeysOfAnotherRangeIsRefusedAndChangesNothing() {
        store.put("a", "1");
        byte[] foreign = ((MvccDatabase) store.store()).copyRange(StoreFixture.RANGE + 1);
        byte[] garbage = {0, 0, 0, 1, 0, 0, 0, 9};
        assertThrows(IllegalArgumentException.class, () -> store.machine().restore(garbage, 10));
        assertThrows(IllegalArgumentException.class, () -> ((MvccDatabase) store.store())
                .replaceRange(StoreFixture.RANGE, withDataKeyOfRange(foreign, StoreFixture.RANGE + 1), 10));
        assertEquals("1", store.get("a").getKvs(0).getValue().toStringUtf8());
    }

    /** A copy of an empty range with one data key of {@code rangeId} added. */
    private static byte[] withDataKeyOfRange(byte[] emptyCopy, long rangeId) {
        byte[] key = KeyCodec.versionKey(rangeId, bytes("x"), 1);
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(emptyCopy.length + 8 + key.length + 1);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(emptyCopy);
        out.putInt(in.getInt() + 1).put(in);
        return out.putInt(key.length).put(key).putInt(1).put((byte) 7).array();
    }

    private RangeResponse at(String key, long revision) {
        return store.range(RangeRequest.newBuilder()
                .setKey(bytes(key))
                .setRevision(revision)
                .build());
    }

    private long countStoredVersions() {
        long[] count = {0};
        ((MvccDatabase) store.store()).forEachVersion(StoreFixture.RANGE, (key, revision, version) -> {
            count[0]++;
            return true;
        });
        return count[0];
    }

    private static List<String> keys(RangeResponse response) {
        return response.getKvsList().stream()
                .map(kv -> kv.getKey().toStringUtf8())
                .toList();
    }
}
