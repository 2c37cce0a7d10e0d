package dev.flotilla.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MemoryLogStorageTest {
    private static final Membership M = Membership.ofVoters(Set.of(1L));

    private static Entry e(long index, long term) {
        return Entry.normal(index, term, new byte[] {(byte) index, 0, 0});
    }

    @Test
    void newStorageIsAnEmptyLogAfterTheInitialSnapshot() {
        MemoryLogStorage s = new MemoryLogStorage(M);
        assertEquals(1, s.firstIndex());
        assertEquals(0, s.lastIndex());
        assertEquals(0, s.term(0));
        assertEquals(M, s.snapshot().membership());
        assertEquals(HardState.EMPTY, s.hardState());
    }

    @Test
    void appendTruncatesTheConflictingSuffix() {
        MemoryLogStorage s = new MemoryLogStorage(M);
        s.append(List.of(e(1, 1), e(2, 1), e(3, 1)));
        s.append(List.of(e(2, 2)));
        assertEquals(2, s.lastIndex());
        assertEquals(2, s.term(2));
        assertThrows(IllegalArgumentException.class, () -> s.append(List.of(e(5, 2))), "a gap");
    }

    @Test
    void entriesStopAtTheByteLimitButReturnAtLeastOne() {
        MemoryLogStorage s = new MemoryLogStorage(M);
        s.append(List.of(e(1, 1), e(2, 1), e(3, 1)));
        assertEquals(1, s.entries(1, 4, 0).size());
        assertEquals(2, s.entries(1, 4, 6).size());
        assertEquals(3, s.entries(1, 4, Long.MAX_VALUE).size());
    }

    @Test
    void compactionMovesTheSnapshotAndRefusesOldReads() {
        MemoryLogStorage s = new MemoryLogStorage(M);
        s.append(List.of(e(1, 1), e(2, 2), e(3, 2)));
        s.compact(2, M, new byte[] {7});
        assertEquals(3, s.firstIndex());
        assertEquals(2, s.term(2));
        assertEquals(2, s.snapshot().term());
        assertThrows(LogStorage.CompactedException.class, () -> s.term(1));
        assertThrows(LogStorage.CompactedException.class, () -> s.entries(2, 3, 10));
        assertThrows(IndexOutOfBoundsException.class, () -> s.term(4));
        assertThrows(IllegalArgumentException.class, () -> s.compact(9, M, new byte[0]));
    }

    @Test
    void installingASnapshotKeepsOnlyEntriesThatAgreeWithIt() {
        MemoryLogStorage s = new MemoryLogStorage(M);
        s.append(List.of(e(1, 1), e(2, 1), e(3, 1)));
        s.installSnapshot(new SnapshotMeta(2, 1, M, new byte[0]));
        assertEquals(3, s.lastIndex());
        s.installSnapshot(new SnapshotMeta(5, 3, M, new byte[0]));
        assertEquals(5, s.lastIndex());
        assertEquals(6, s.firstIndex());
        assertThrows(IllegalArgumentException.class, () -> s.installSnapshot(new SnapshotMeta(4, 3, M, new byte[0])));
    }

    @Test
    void copyIsIndependent() {
        MemoryLogStorage s = new MemoryLogStorage(M);
        s.append(List.of(e(1, 1)));
        MemoryLogStorage copy = MemoryLogStorage.copyOf(s);
        s.append(List.of(e(2, 1)));
        assertEquals(1, copy.lastIndex());
    }
}
