package dev.flotilla.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shared value records: validation and value semantics the core and the log engine rely on. */
class ValueTypesTest {
    @Test
    void entriesCompareByContentAndRejectBadPositions() {
        assertEquals(Entry.normal(1, 1, new byte[] {1}), Entry.normal(1, 1, new byte[] {1}));
        assertEquals(
                Entry.normal(1, 1, new byte[] {1}).hashCode(),
                Entry.normal(1, 1, new byte[] {1}).hashCode());
        assertNotEquals(Entry.normal(1, 1, new byte[] {1}), Entry.normal(1, 1, new byte[] {2}));
        assertNotEquals(Entry.normal(1, 1, new byte[0]), new Entry(1, 1, EntryType.CONF_CHANGE, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> Entry.normal(0, 1, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> Entry.normal(1, 0, new byte[0]));
        assertEquals(3, Entry.normal(1, 1, new byte[3]).sizeBytes());
        assertEquals("Entry[2@3 NORMAL 4B]", Entry.normal(2, 3, new byte[4]).toString());
    }

    @Test
    void entryTypeCodesRoundTrip() {
        for (EntryType t : EntryType.values()) {
            assertEquals(t, EntryType.ofCode(t.code()));
        }
        assertThrows(IllegalArgumentException.class, () -> EntryType.ofCode(99));
    }

    @Test
    void hardStateRejectsNegativesAndKnowsEmpty() {
        assertTrue(HardState.EMPTY.isEmpty());
        assertTrue(!new HardState(1, 0, 0).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new HardState(-1, 0, 0));
    }

    @Test
    void snapshotMetaComparesByContentAndRejectsBadPositions() {
        Membership m = Membership.ofVoters(Set.of(1L));
        assertEquals(new SnapshotMeta(2, 1, m, new byte[] {5}), new SnapshotMeta(2, 1, m, new byte[] {5}));
        assertEquals(
                new SnapshotMeta(2, 1, m, new byte[] {5}).hashCode(),
                new SnapshotMeta(2, 1, m, new byte[] {5}).hashCode());
        assertNotEquals(new SnapshotMeta(2, 1, m, new byte[] {5}), new SnapshotMeta(2, 1, m, new byte[] {6}));
        assertThrows(IllegalArgumentException.class, () -> new SnapshotMeta(0, 1, m, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new SnapshotMeta(1, 0, m, new byte[0]));
        assertTrue(new SnapshotMeta(2, 1, m, new byte[3]).toString().contains("2@1"));
    }

    @Test
    void membershipIsSortedAndRejectsOverlaps() {
        Membership m = new Membership(Set.of(3L, 1L), Set.of(2L, 1L), Set.of(5L), Set.of(4L), true);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), List.copyOf(m.allMembers()), "sorted, so iteration is stable");
        assertTrue(m.isJoint());
        assertThrows(IllegalArgumentException.class, () -> Membership.ofVoters(Set.of(0L)));
        assertThrows(
                IllegalArgumentException.class,
                () -> new Membership(Set.of(1L), Set.of(), Set.of(1L), Set.of(), false));
    }

    @Test
    void readyCopiesItsListsAndSaysWhenItMustPersist() {
        Ready empty = new Ready(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of());
        assertTrue(!empty.mustPersist());
        Ready withHardState = new Ready(
                Optional.empty(),
                Optional.of(new HardState(1, 1, 0)),
                Optional.empty(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of());
        assertTrue(withHardState.mustPersist());
        Ready withEntries = new Ready(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(Entry.normal(1, 1, new byte[0])),
                List.of(),
                List.of(),
                List.of(),
                List.of());
        assertTrue(withEntries.mustPersist());
        Ready withSnapshot = new Ready(
                Optional.empty(),
                Optional.empty(),
                Optional.of(new SnapshotMeta(1, 1, Membership.EMPTY, new byte[0])),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of());
        assertTrue(withSnapshot.mustPersist());
    }
}
