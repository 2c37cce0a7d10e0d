package dev.flotilla.raft.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.raft.Entry;
import dev.flotilla.raft.HardState;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.MemoryLogStorage;
import dev.flotilla.raft.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RaftLogTest {
    private static final Membership M = Membership.ofVoters(Set.of(1L));

    /** Entries {@code from..to} of {@code term}, each with {@code size} bytes. */
    private static List<Entry> entries(long from, long to, long term, int size) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(Entry.normal(i, term, new byte[size]));
        }
        return out;
    }

    /** A log with entries 1..stored persisted and stored+1..last unstable, all of term 1, 10 bytes each. */
    private static RaftLog log(long stored, long last) {
        MemoryLogStorage s = new MemoryLogStorage(M);
        s.append(entries(1, stored, 1, 10));
        RaftLog log = new RaftLog(s, 0);
        if (last > stored) {
            log.append(entries(stored + 1, last, 1, 10));
        }
        return log;
    }

    @Test
    void indexesSpanStoredAndUnstableEntries() {
        RaftLog log = log(3, 5);
        assertEquals(1, log.firstIndex());
        assertEquals(5, log.lastIndex());
        assertEquals(3, log.lastStableIndex());
        assertEquals(1, log.termOrZero(2));
        assertEquals(1, log.termOrZero(5));
        assertEquals(0, log.termOrZero(6), "beyond the end");
        assertEquals(2, log.unstableEntries().size());
        assertTrue(log.hasUnstable());
    }

    @Test
    void entriesAcrossTheStableBoundaryRespectTheByteLimit() {
        RaftLog log = log(3, 6);
        assertEquals(6, log.entriesFrom(1, Long.MAX_VALUE).orElseThrow().size());
        assertEquals(1, log.entriesFrom(1, 0).orElseThrow().size(), "at least one entry");
        assertEquals(2, log.entriesFrom(1, 20).orElseThrow().size(), "stops inside the stored part");
        assertEquals(4, log.entriesFrom(2, 40).orElseThrow().size(), "continues into the unstable part");
        assertEquals(
                List.of(4L, 5L),
                log.entriesFrom(4, 20).orElseThrow().stream().map(Entry::index).toList());
        assertEquals(List.of(), log.entriesFrom(7, 100).orElseThrow());
    }

    @Test
    void entriesBelowTheSnapshotAreUnavailable() {
        MemoryLogStorage s = new MemoryLogStorage(M);
        s.append(entries(1, 5, 1, 10));
        s.compact(3, M, new byte[0]);
        RaftLog log = new RaftLog(s, 3);
        assertEquals(Optional.empty(), log.entriesFrom(3, 100));
        assertEquals(0, log.termOrZero(2));
        assertEquals(1, log.termOrZero(3), "the snapshot's own term is known");
        assertEquals(4, log.firstIndex());
        assertEquals(2, log.entriesFrom(4, 100).orElseThrow().size());
    }

    @Test
    void appendReplacesAConflictingStoredSuffix() {
        RaftLog log = log(5, 5);
        log.append(entries(3, 4, 2, 10));
        assertEquals(4, log.lastIndex());
        assertEquals(2, log.termOrZero(3));
        assertEquals(2, log.lastStableIndex(), "index 3 on must be rewritten by the caller");
        assertEquals(
                List.of(3L, 4L),
                log.unstableEntries().stream().map(Entry::index).toList());
    }

    @Test
    void appendReplacesAConflictingUnstableSuffix() {
        RaftLog log = log(2, 6);
        log.append(entries(4, 4, 2, 10));
        assertEquals(4, log.lastIndex());
        assertEquals(
                List.of(3L, 4L),
                log.unstableEntries().stream().map(Entry::index).toList());
    }

    @Test
    void appendRefusesGapsAndCommittedOverwrites() {
        RaftLog log = log(3, 3);
        log.commitTo(2);
        assertThrows(IllegalStateException.class, () -> log.append(entries(5, 5, 1, 1)));
        assertThrows(IllegalStateException.class, () -> log.append(entries(2, 2, 2, 1)));
        log.append(entries(3, 3, 2, 1));
        assertEquals(2, log.termOrZero(3));
    }

    @Test
    void tryAppendChecksThePreviousEntryAndTruncatesOnlyRealConflicts() {
        RaftLog log = log(4, 4);
        assertEquals(Optional.empty(), log.tryAppend(4, 2, 0, List.of()), "prevTerm mismatch");
        assertEquals(Optional.empty(), log.tryAppend(6, 1, 0, List.of()), "prevIndex beyond the log");
        assertEquals(Optional.of(3L), log.tryAppend(2, 1, 3, entries(3, 3, 1, 10)));
        assertEquals(4, log.lastIndex(), "a matching shorter append truncates nothing");
        assertEquals(3, log.committed());
        assertEquals(Optional.of(5L), log.tryAppend(3, 1, 9, entries(4, 5, 2, 10)));
        assertEquals(2, log.termOrZero(4));
        assertEquals(5, log.committed(), "commit is capped at the last new entry");
    }

    @Test
    void conflictHintPointsAtTheLastEntryWhoseTermIsNotNewer() {
        MemoryLogStorage s = new MemoryLogStorage(M);
        s.append(entries(1, 2, 1, 1));
        s.append(entries(3, 6, 3, 1));
        RaftLog log = new RaftLog(s, 0);
        assertEquals(List.of(2L, 1L), toList(log.conflictHint(6, 2)));
        assertEquals(List.of(6L, 3L), toList(log.conflictHint(9, 3)), "capped at our last index");
        assertEquals(List.of(0L, 0L), toList(log.conflictHint(6, 0)), "nothing matches: back to the snapshot");
    }

    private static List<Long> toList(long[] pair) {
        return List.of(pair[0], pair[1]);
    }

    @Test
    void leaderCommitsOnlyEntriesOfItsOwnTerm() {
        RaftLog log = log(2, 2);
        log.append(entries(3, 3, 2, 1));
        assertFalse(log.maybeCommit(2, 2), "index 2 is from term 1");
        assertEquals(0, log.committed());
        assertTrue(log.maybeCommit(3, 2));
        assertEquals(3, log.committed());
        assertFalse(log.maybeCommit(3, 2), "no news");
        assertFalse(log.maybeCommit(2, 1), "never backwards");
    }

    @Test
    void committedEntriesAreHandedOutOnceAndThenApplied() {
        RaftLog log = log(3, 5);
        assertFalse(log.hasNextCommitted());
        log.commitTo(4);
        assertTrue(log.hasNextCommitted());
        assertEquals(
                List.of(1L, 2L, 3L, 4L),
                log.nextCommitted(Long.MAX_VALUE).stream().map(Entry::index).toList());
        log.appliedTo(4);
        assertFalse(log.hasNextCommitted());
        assertEquals(List.of(), log.nextCommitted(Long.MAX_VALUE));
        assertThrows(IllegalStateException.class, () -> log.appliedTo(5), "not committed");
        log.appliedTo(3); // an older index, as after a snapshot restored meanwhile: the snapshot covers it
        assertFalse(log.hasNextCommitted(), "the applied index does not move back");
        assertThrows(IllegalStateException.class, () -> log.commitTo(9), "beyond the log");
    }

    @Test
    void stableToMovesEntriesOutOfTheUnstableTailOnlyIfTheTermStillMatches() {
        RaftLog log = log(2, 5);
        log.stableTo(Optional.empty(), 4, 7);
        assertEquals(3, log.unstableEntries().size(), "term mismatch: a newer append replaced it");
        log.stableTo(Optional.empty(), 4, 1);
        assertEquals(
                List.of(5L), log.unstableEntries().stream().map(Entry::index).toList());
        assertEquals(4, log.lastStableIndex());
    }

    @Test
    void restoringASnapshotReplacesTheLogUntilItIsPersisted() {
        MemoryLogStorage s = new MemoryLogStorage(M);
        s.append(entries(1, 3, 1, 1));
        RaftLog log = new RaftLog(s, 1);
        log.append(entries(4, 4, 1, 1));
        SnapshotMeta snap = new SnapshotMeta(10, 4, M, new byte[0]);
        log.restore(snap);
        assertEquals(11, log.firstIndex());
        assertEquals(10, log.lastIndex());
        assertEquals(4, log.lastTerm());
        assertEquals(10, log.committed());
        assertEquals(10, log.applied());
        assertEquals(0, log.lastStableIndex(), "nothing of the new log is persisted yet");
        assertEquals(List.of(), log.unstableEntries());
        assertEquals(Optional.of(snap), log.unstableSnapshot());
        assertEquals(0, log.termOrZero(3), "old entries are gone");
        s.installSnapshot(snap);
        log.stableTo(Optional.of(snap), 0, 0);
        assertEquals(Optional.empty(), log.unstableSnapshot());
        assertFalse(log.hasUnstable());
        assertEquals(10, log.lastStableIndex());
    }

    @Test
    void upToDateComparesLastTermThenLength() {
        RaftLog log = log(3, 3);
        assertTrue(log.isUpToDate(1, 2));
        assertTrue(log.isUpToDate(3, 1));
        assertFalse(log.isUpToDate(2, 1));
        assertFalse(log.isUpToDate(9, 0));
    }

    @Test
    void storedCommitBeyondTheStoredLogIsRefused() {
        MemoryLogStorage s = new MemoryLogStorage(M);
        s.append(entries(1, 2, 1, 1));
        s.setHardState(new HardState(1, 0, 3));
        assertThrows(IllegalStateException.class, () -> new RaftLog(s, 3));
        assertEquals(2, new RaftLog(s, 2).committed());
    }

    @Test
    void commitBelowTheSnapshotIsRaisedToIt() {
        MemoryLogStorage s = new MemoryLogStorage(M);
        s.append(entries(1, 4, 1, 1));
        s.compact(3, M, new byte[0]);
        RaftLog log = new RaftLog(s, 1);
        assertEquals(3, log.committed());
        assertEquals(3, log.applied());
    }
}
