package dev.flotilla.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.raft.Entry;
import dev.flotilla.raft.EntryType;
import dev.flotilla.raft.HardState;
import dev.flotilla.raft.LogStorage;
import dev.flotilla.raft.LogStorage.CompactedException;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.SnapshotMeta;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogEngineTest {
    @TempDir
    Path dir;

    private LogEngineConfig config() {
        return LogEngineConfig.defaults(dir).withSegmentSizeBytes(1 << 20);
    }

    static List<Entry> entries(long from, long to, long term) {
        List<Entry> list = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            list.add(Entry.normal(i, term, ("entry " + i + "@" + term).getBytes(StandardCharsets.UTF_8)));
        }
        return list;
    }

    @Test
    void appendedEntriesAreReadableOnceTheFutureCompletes() throws Exception {
        try (LogEngine engine = LogEngine.open(config())) {
            engine.append(LogBatch.of(GroupWrite.entries(7, entries(1, 3, 1)))).join();
            LogStorage group = engine.group(7);
            assertEquals(1, group.firstIndex());
            assertEquals(3, group.lastIndex());
            assertEquals(entries(1, 3, 1), group.entries(1, 4, Long.MAX_VALUE));
            assertEquals(1, group.term(2));
            assertEquals(Set.of(7L), engine.groups());
        }
    }

    @Test
    void groupsAreListedInAscendingOrderAfterARestart() throws Exception {
        List<Long> ids = List.of(900L, 3L, 70_000L, 41L, 1L << 40, 12L, 5L, 6_001L, 2L, 88L, 17L, 1_000_003L);
        try (LogEngine engine = LogEngine.open(config())) {
            for (long id : ids) {
                engine.append(LogBatch.of(GroupWrite.entries(id, entries(1, 1, 1))))
                        .join();
            }
        }
        try (LogEngine engine = LogEngine.open(config())) {
            // Nodes reopen groups in this order; an order that changes from run to run breaks exact simulator replays.
            assertEquals(ids.stream().sorted().toList(), List.copyOf(engine.groups()));
        }
    }

    @Test
    void everyPartOfABatchSurvivesARestart() throws Exception {
        Membership members = Membership.ofVoters(Set.of(1L, 2L, 3L));
        SnapshotMeta initial = new SnapshotMeta(0, 0, members, new byte[0]);
        Entry conf = new Entry(2, 1, EntryType.CONF_CHANGE, new byte[] {1, 2, 3});
        try (LogEngine engine = LogEngine.open(config())) {
            engine.append(LogBatch.of(
                            GroupWrite.snapshot(1, initial),
                            GroupWrite.entries(1, List.of(Entry.normal(1, 1, new byte[0]), conf)),
                            GroupWrite.hardState(1, new HardState(1, 2, 1)),
                            GroupWrite.entries(2, entries(1, 5, 3))))
                    .join();
        }
        try (LogEngine engine = LogEngine.open(config())) {
            LogStorage one = engine.group(1);
            assertEquals(initial, one.snapshot());
            assertEquals(new HardState(1, 2, 1), one.hardState());
            assertEquals(List.of(Entry.normal(1, 1, new byte[0]), conf), one.entries(1, 3, Long.MAX_VALUE));
            assertEquals(entries(1, 5, 3), engine.group(2).entries(1, 6, Long.MAX_VALUE));
        }
    }

    @Test
    void entriesAtOrBelowTheLastIndexReplaceTheConflictingSuffix() throws Exception {
        try (LogEngine engine = LogEngine.open(config())) {
            engine.append(LogBatch.of(GroupWrite.entries(1, entries(1, 5, 1)))).join();
            engine.append(LogBatch.of(GroupWrite.entries(1, entries(3, 3, 2)))).join();
            assertEquals(3, engine.group(1).lastIndex());
            assertEquals(2, engine.group(1).term(3));
        }
        try (LogEngine engine = LogEngine.open(config())) {
            assertEquals(3, engine.group(1).lastIndex());
            assertEquals(2, engine.group(1).term(3));
        }
    }

    @Test
    void explicitTruncationDropsTheSuffix() throws Exception {
        try (LogEngine engine = LogEngine.open(config())) {
            engine.append(LogBatch.of(GroupWrite.entries(1, entries(1, 5, 1)))).join();
            engine.append(LogBatch.of(GroupWrite.truncate(1, 4))).join();
            assertEquals(3, engine.group(1).lastIndex());
        }
        try (LogEngine engine = LogEngine.open(config())) {
            assertEquals(3, engine.group(1).lastIndex());
        }
    }

    @Test
    void snapshotMarkerCompactsTheLogUpToItsIndex() throws Exception {
        SnapshotMeta marker = new SnapshotMeta(3, 1, Membership.ofVoters(Set.of(1L)), new byte[] {9});
        try (LogEngine engine = LogEngine.open(config())) {
            engine.append(LogBatch.of(GroupWrite.entries(1, entries(1, 5, 1)))).join();
            engine.append(LogBatch.of(GroupWrite.snapshot(1, marker))).join();
            LogStorage group = engine.group(1);
            assertEquals(4, group.firstIndex());
            assertEquals(5, group.lastIndex());
            assertEquals(1, group.term(3));
            assertThrows(CompactedException.class, () -> group.entries(2, 5, Long.MAX_VALUE));
        }
        try (LogEngine engine = LogEngine.open(config())) {
            assertEquals(4, engine.group(1).firstIndex());
            assertEquals(marker, engine.group(1).snapshot());
        }
    }

    @Test
    void snapshotMarkerAheadOfTheLogDiscardsIt() throws Exception {
        SnapshotMeta marker = new SnapshotMeta(10, 4, Membership.ofVoters(Set.of(1L)), new byte[0]);
        try (LogEngine engine = LogEngine.open(config())) {
            engine.append(LogBatch.of(GroupWrite.entries(1, entries(1, 5, 1)))).join();
            engine.append(LogBatch.of(GroupWrite.snapshot(1, marker))).join();
            assertEquals(11, engine.group(1).firstIndex());
            assertEquals(10, engine.group(1).lastIndex());
            assertEquals(4, engine.group(1).term(10));
        }
    }

    @Test
    void batchThatWouldLeaveAGapFailsAndWritesNothing() throws Exception {
        try (LogEngine engine = LogEngine.open(config())) {
            engine.append(LogBatch.of(GroupWrite.entries(1, entries(1, 2, 1)))).join();
            CompletableFuture<Void> bad = engine.append(
                    LogBatch.of(GroupWrite.entries(2, entries(1, 1, 1)), GroupWrite.entries(1, entries(5, 6, 1))));
            CompletionException e = assertThrows(CompletionException.class, bad::join);
            assertInstanceOf(IllegalArgumentException.class, e.getCause());
            assertEquals(Set.of(1L), engine.groups(), "the valid half of the batch was not written either");
            engine.append(LogBatch.of(GroupWrite.entries(1, entries(3, 3, 1)))).join();
            assertEquals(3, engine.group(1).lastIndex());
        }
    }

    @Test
    void heldViewFollowsItsGroupThroughRemovalAndRecreation() throws Exception {
        try (LogEngine engine = LogEngine.open(config())) {
            LogStorage view = engine.group(1);
            assertEquals(0, view.lastIndex(), "the group does not exist yet");
            engine.append(LogBatch.of(GroupWrite.entries(1, entries(1, 2, 1)))).join();
            assertEquals(2, view.lastIndex());
            engine.removeGroup(1).join();
            assertEquals(0, view.lastIndex());
            engine.append(LogBatch.of(GroupWrite.entries(1, entries(1, 5, 3)))).join();
            assertEquals(5, view.lastIndex(), "the view shows the re-created group, not the removed one");
            assertEquals(3, view.term(5));
        }
    }

    @Test
    void removedGroupIsGoneAfterARestart() throws Exception {
        try (LogEngine engine = LogEngine.open(config())) {
            engine.append(LogBatch.of(GroupWrite.entries(1, entries(1, 2, 1)), GroupWrite.entries(2, entries(1, 2, 1))))
                    .join();
            engine.removeGroup(1).join();
            assertEquals(Set.of(2L), engine.groups());
            assertEquals(0, engine.group(1).lastIndex());
        }
        try (LogEngine engine = LogEngine.open(config())) {
            assertEquals(Set.of(2L), engine.groups());
        }
    }

    @Test
    void entriesStopAtMaxBytesButReturnAtLeastOne() throws Exception {
        try (LogEngine engine = LogEngine.open(config().withCacheBytes(0))) {
            engine.append(LogBatch.of(GroupWrite.entries(1, entries(1, 10, 1)))).join();
            int size = entries(1, 1, 1).get(0).data().length;
            assertEquals(1, engine.group(1).entries(1, 11, 0).size());
            assertEquals(3, engine.group(1).entries(1, 11, 3L * size).size());
        }
    }

    @Test
    void concurrentAppendsFromManyThreadsShareWritesAndAllSurvive() throws Exception {
        int threads = 4;
        int perThread = 200;
        try (LogEngine engine = LogEngine.open(config())) {
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long group = t;
                workers.add(new Thread(() -> {
                    List<CompletableFuture<Void>> futures = new ArrayList<>();
                    for (long i = 1; i <= perThread; i++) {
                        futures.add(engine.append(LogBatch.of(GroupWrite.entries(group, entries(i, i, 1)))));
                    }
                    futures.forEach(CompletableFuture::join);
                }));
            }
            workers.forEach(Thread::start);
            for (Thread w : workers) {
                w.join();
            }
        }
        try (LogEngine engine = LogEngine.open(config())) {
            for (long g = 0; g < threads; g++) {
                assertEquals(entries(1, perThread, 1), engine.group(g).entries(1, perThread + 1, Long.MAX_VALUE));
            }
        }
    }

    @Test
    void segmentsRollOverAndLargeEntriesReadBackIntact() throws Exception {
        byte[] big = new byte[100_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        try (LogEngine engine = LogEngine.open(config())) {
            for (long i = 1; i <= 30; i++) {
                engine.append(LogBatch.of(GroupWrite.entries(1, List.of(Entry.normal(i, 1, big)))))
                        .join();
            }
            assertTrue(engine.stats().segments() > 2, "3 MB of entries in 1 MiB segments");
        }
        try (LogEngine engine = LogEngine.open(config())) {
            for (Entry e : engine.group(1).entries(1, 31, Long.MAX_VALUE)) {
                assertArrayEquals(big, e.data());
            }
        }
    }

    @Test
    void builderSkipsGroupsWhoseReadyHoldsNothingToPersist() {
        LogBatch.Builder builder = LogBatch.builder()
                .add(1, Optional.empty(), OptionalLong.empty(), List.of(), Optional.empty())
                .add(2, Optional.empty(), OptionalLong.empty(), entries(1, 1, 1), Optional.of(new HardState(1, 0, 0)));
        assertEquals(1, builder.build().writes().size());
        assertEquals(2, builder.build().writes().get(0).groupId());
        assertTrue(LogBatch.builder()
                .add(3, Optional.empty(), OptionalLong.empty(), List.of(), Optional.empty())
                .isEmpty());
    }
}
