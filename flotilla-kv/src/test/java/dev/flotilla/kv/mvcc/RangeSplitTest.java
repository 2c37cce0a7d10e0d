package dev.flotilla.kv.mvcc;

import static dev.flotilla.kv.mvcc.StoreFixture.RANGE;
import static dev.flotilla.kv.mvcc.StoreFixture.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.flotilla.kv.CurrentRanges;
import dev.flotilla.kv.RangeMap;
import dev.flotilla.kv.RejectedRequestException;
import dev.flotilla.kv.command.Command;
import dev.flotilla.kv.command.CommandResult;
import dev.flotilla.kv.command.RangeDescriptor;
import dev.flotilla.kv.command.RangeIdAllocation;
import dev.flotilla.kv.command.Rejection;
import dev.flotilla.kv.command.Split;
import dev.flotilla.kv.etcd.etcdserverpb.Compare;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseGrantRequest;
import dev.flotilla.kv.etcd.etcdserverpb.PutRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.TxnRequest;
import dev.flotilla.kv.etcd.mvccpb.KeyValue;
import dev.flotilla.runtime.StateMachine;
import dev.flotilla.runtime.StateMachine.AppliedCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The apply of a split on a real RocksDB: exactly the keys at and above the split key move, with every version at its
 * revision (tombstones included), both sides keep serving history and compaction, writes routed before the split are
 * refused as a whole, and the new range's meta is durable and ready for its Raft group.
 */
class RangeSplitTest {
    private static final long RIGHT = 7;

    @TempDir
    Path dir;

    @Test
    void splitMovesEveryVersionOfTheKeysAtAndAboveTheKeyAndKeepsTheirRevisions() throws Exception {
        try (StoreFixture store = new StoreFixture(dir)) {
            store.put("a", "a1"); // 2
            store.put("m", "m1"); // 3
            store.put("m", "m2"); // 4
            store.put("l\u00ff", "edge"); // 5: just below the split key
            store.put("z", "z1"); // 6
            store.delete("z", ""); // 7
            store.put("m\0", "zero"); // 8
            List<String> before = versions(store, RANGE);

            CommandResult split = split(store, "m", RIGHT);
            assertEquals(RIGHT, split.getSplit().getRightRangeId());
            assertEquals(bytes("m"), split.getSplit().getLeft().getEnd());
            assertEquals(bytes("m"), split.getSplit().getRight().getStart());
            assertFalse(split.getSplit().getRight().hasEnd());

            List<String> left = versions(store, RANGE);
            List<String> right = versions(store, RIGHT);
            assertEquals(List.of("a@2=a1", "l\u00ff@5=edge"), left);
            assertEquals(List.of("m@4=m2", "m@3=m1", "m\0@8=zero", "z@7=deleted", "z@6=z1"), right);
            TreeSet<String> union = new TreeSet<>(left);
            union.addAll(right);
            assertEquals(new TreeSet<>(before), union, "nothing lost, nothing made up");

            assertEquals(8, store.store().revision(RANGE));
            assertEquals(8, store.store().revision(RIGHT));
            KeyValue m = store.store().range(RIGHT, get("m", 0)).getKvs(0);
            assertEquals(List.of(3L, 4L, 2L), List.of(m.getCreateRevision(), m.getModRevision(), m.getVersion()));
            assertEquals(
                    "m1",
                    store.store().range(RIGHT, get("m", 3)).getKvs(0).getValue().toStringUtf8());
            assertEquals(
                    "z1",
                    store.store().range(RIGHT, get("z", 6)).getKvs(0).getValue().toStringUtf8());
            assertEquals(0, store.store().range(RANGE, get("m", 4)).getCount(), "gone from the left side");
            assertEquals(1, store.store().range(RANGE, get("a", 2)).getCount());
        }
    }

    @Test
    void bothSidesServeWritesAndCompactionAndTheNewRangeIsDurable() throws Exception {
        try (StoreFixture store = new StoreFixture(dir)) {
            store.put("m", "m1"); // 2
            store.put("m", "m2"); // 3
            store.put("a", "a1"); // 4
            split(store, "k", RIGHT);
            StateMachine right = store.store().stateMachine(RIGHT);
            assertEquals(RangeSplit.INITIAL_INDEX, right.durableAppliedIndex(), "flushed before the group exists");

            assertEquals(
                    5,
                    result(right, RangeSplit.INITIAL_INDEX + 1, put("m", "m3"))
                            .getPut()
                            .getHeader()
                            .getRevision());
            assertEquals(5, store.put("b", "b1").getPut().getHeader().getRevision(), "revisions are per range now");
            assertTrue(result(right, RangeSplit.INITIAL_INDEX + 2, compact(4)).hasCompaction());
            RejectedRequestException compacted = assertThrows(
                    RejectedRequestException.class, () -> store.store().range(RIGHT, get("m", 2)));
            assertEquals(Rejection.Kind.COMPACTED, compacted.rejection().getKind());
            assertEquals(
                    "m2",
                    store.store().range(RIGHT, get("m", 4)).getKvs(0).getValue().toStringUtf8());
            assertTrue(store.compact(5).hasCompaction());
            assertEquals(List.of("a@4=a1", "b@5=b1"), versions(store, RANGE));

            store.reopen();
            Map<Long, RangeDescriptor> ranges = store.store().localRanges();
            assertEquals(bytes("k"), ranges.get(RANGE).getEnd());
            assertEquals(RIGHT, ranges.get(RANGE).getSplitOff(0).getRangeId());
            assertEquals(bytes("k"), ranges.get(RIGHT).getStart());
            assertEquals(List.of(1L, 2L, 3L), ranges.get(RIGHT).getInitialVotersList());
            assertEquals(
                    "m3",
                    store.store().range(RIGHT, get("m", 0)).getKvs(0).getValue().toStringUtf8());
        }
    }

    @Test
    void writesNamingKeysTheRangeNoLongerOwnsAreRefusedWhole() throws Exception {
        try (StoreFixture store = new StoreFixture(dir)) {
            store.put("a", "a1");
            List<CommandResult> results = store.applyBatch(
                    splitCommand("m", RIGHT),
                    put("q", "routed before the split"),
                    Command.newBuilder()
                            .setTxn(TxnRequest.newBuilder()
                                    .addCompare(Compare.newBuilder().setKey(bytes("a")))
                                    .addSuccess(op(put("a", "a2")))
                                    .addSuccess(op(put("x", "x1"))))
                            .build(),
                    put("b", "b1"));
            assertTrue(results.get(0).hasSplit());
            assertEquals(
                    Rejection.Kind.WRONG_RANGE, results.get(1).getRejection().getKind());
            assertEquals(
                    Rejection.Kind.WRONG_RANGE, results.get(2).getRejection().getKind());
            assertTrue(results.get(3).hasPut());
            assertEquals("a1", store.get("a").getKvs(0).getValue().toStringUtf8(), "nothing of the Txn applied");
            assertEquals(0, store.store().range(RIGHT, get("q", 0)).getCount());
        }
    }

    @Test
    void splitsThatCannotApplyAreRefusedAndChangeNothing() throws Exception {
        try (StoreFixture store = new StoreFixture(dir)) {
            long lease = store.apply(Command.newBuilder()
                            .setLeaseGrant(LeaseGrantRequest.newBuilder().setTTL(30))
                            .build())
                    .getLeaseGrant()
                    .getID();
            store.apply(Command.newBuilder()
                    .setPut(PutRequest.newBuilder()
                            .setKey(bytes("t"))
                            .setValue(bytes("v"))
                            .setLease(lease))
                    .build());
            store.put("c", "c1");
            List<String> before = versions(store, RANGE);

            assertRefused(store, "", RIGHT, "the key must lie inside the range and not start it");
            assertRefused(store, "s", RIGHT, "key 't' is attached to lease " + lease);
            assertTrue(split(store, "u", RIGHT).hasSplit());
            assertRefused(store, "v", RIGHT, "the key must lie inside the range");
            assertRefused(store, "b", RIGHT, "range id 7 is taken");
            assertRefused(store, "b", RANGE, "range id 1 is taken");
            assertEquals(before, versions(store, RANGE));
        }
    }

    @Test
    void aReplicaRestoringASnapshotTakenAfterTheSplitLearnsOfTheNewRange() throws Exception {
        try (StoreFixture leader = new StoreFixture(dir.resolve("leader"));
                StoreFixture lagging = new StoreFixture(dir.resolve("lagging"))) {
            for (StoreFixture store : List.of(leader, lagging)) {
                store.put("a", "a1");
                store.put("q", "q1");
            }
            split(leader, "m", RIGHT);
            leader.put("b", "b1");
            AtomicInteger told = new AtomicInteger();
            lagging.store().onRangesChanged(told::incrementAndGet);

            lagging.machine().restore(leader.machine().snapshot(), leader.index());
            assertEquals(1, told.get(), "the server is told to look for new ranges");
            assertEquals(versions(leader, RANGE), versions(lagging, RANGE));
            assertEquals(List.of("a@2=a1", "b@4=b1"), versions(lagging, RANGE), "the moved key is gone here too");
            assertFalse(lagging.store().localRanges().containsKey(RIGHT), "the new range's data comes later");
            CurrentRanges ranges = new CurrentRanges(RangeMap.singleRange(), lagging.store());
            assertEquals(List.of(RANGE, RIGHT), ranges.map().rangeIds());
            assertEquals(RIGHT, ranges.map().ownerOfKey(bytes("q")));

            StateMachine right = lagging.store().stateMachine(RIGHT);
            right.restore(leader.store().stateMachine(RIGHT).snapshot(), 9);
            assertEquals(versions(leader, RIGHT), versions(lagging, RIGHT));
            assertEquals(3, lagging.store().revision(RIGHT));
        }
    }

    @Test
    void rangeIdsAreGivenOutOnceAndAtLeastAsHighAsAsked() throws Exception {
        try (StoreFixture store = new StoreFixture(dir)) {
            assertEquals(2, allocate(store, 0));
            assertEquals(3, allocate(store, 2));
            assertEquals(10, allocate(store, 10));
            store.reopen();
            assertEquals(11, allocate(store, 4));
        }
    }

    private static void assertRefused(StoreFixture store, String key, long newId, String why) {
        Rejection rejection = store.apply(splitCommand(key, newId)).getRejection();
        assertEquals(Rejection.Kind.INVALID_SPLIT, rejection.getKind(), rejection.toString());
        assertTrue(rejection.getMessage().contains(why), rejection.getMessage());
    }

    private static long allocate(StoreFixture store, long atLeast) {
        return store.apply(Command.newBuilder()
                        .setAllocateRangeId(RangeIdAllocation.newBuilder().setAtLeast(atLeast))
                        .build())
                .getAllocatedRangeId();
    }

    private static CommandResult split(StoreFixture store, String key, long newId) {
        CommandResult result = store.apply(splitCommand(key, newId));
        assertFalse(result.hasRejection(), result.toString());
        return result;
    }

    private static Command splitCommand(String key, long newId) {
        return Command.newBuilder()
                .setSplit(Split.newBuilder()
                        .setKey(bytes(key))
                        .setNewRangeId(newId)
                        .addAllVoters(List.of(1L, 2L, 3L)))
                .build();
    }

    private static Command put(String key, String value) {
        return Command.newBuilder()
                .setPut(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)))
                .build();
    }

    private static Command compact(long revision) {
        return Command.newBuilder()
                .setCompaction(dev.flotilla.kv.etcd.etcdserverpb.CompactionRequest.newBuilder()
                        .setRevision(revision))
                .build();
    }

    private static dev.flotilla.kv.etcd.etcdserverpb.RequestOp op(Command put) {
        return dev.flotilla.kv.etcd.etcdserverpb.RequestOp.newBuilder()
                .setRequestPut(put.getPut())
                .build();
    }

    private static RangeRequest get(String key, long revision) {
        return RangeRequest.newBuilder()
                .setKey(bytes(key))
                .setRevision(revision)
                .build();
    }

    private static CommandResult result(StateMachine machine, long index, Command command)
            throws InvalidProtocolBufferException {
        return CommandResult.parseFrom(
                machine.apply(List.of(new AppliedCommand(index, 1, command.toByteArray())), index)
                        .get(0));
    }

    /** Every stored version of the range, tombstones included, as key@revision=value in stored order. */
    private static List<String> versions(StoreFixture store, long range) {
        List<String> versions = new ArrayList<>();
        ((MvccDatabase) store.store()).forEachVersion(range, (ByteString key, long revision, StoredVersion v) -> {
            versions.add(key.toStringUtf8() + "@" + revision + "="
                    + (v.tombstone() ? "deleted" : v.value().toStringUtf8()));
            return true;
        });
        return versions;
    }
}
