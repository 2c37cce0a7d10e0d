package dev.flotilla.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.raft.ConfChange.Change;
import dev.flotilla.raft.ConfChange.ChangeType;
import dev.flotilla.raft.ConfChange.Transition;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class ConfChangeTest {
    @Provide
    Arbitrary<ConfChange> confChanges() {
        Arbitrary<Change> change = Combinators.combine(
                        Arbitraries.of(ChangeType.class), Arbitraries.longs().between(1, Long.MAX_VALUE))
                .as(Change::new);
        return Combinators.combine(change.list().ofMaxSize(8), Arbitraries.of(Transition.class))
                .as(ConfChange::new);
    }

    @Property
    void decodeInvertsEncode(@ForAll("confChanges") ConfChange change) {
        assertEquals(change, ConfChange.decode(change.encode()));
    }

    @Property
    void everyTruncationIsRejected(@ForAll("confChanges") ConfChange change) {
        byte[] bytes = change.encode();
        for (int len = 0; len < bytes.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(bytes, len);
            assertThrows(IllegalArgumentException.class, () -> ConfChange.decode(cut), "length " + len);
        }
    }

    @Test
    void encodingMatchesTheDocumentedLayout() {
        ConfChange c = new ConfChange(
                List.of(new Change(ChangeType.ADD_LEARNER, 4), new Change(ChangeType.REMOVE_NODE, 258)),
                Transition.JOINT_EXPLICIT_LEAVE);
        byte[] expected = {
            1,
            2,
            0,
            0,
            0,
            2, // version 1, transition JOINT_EXPLICIT_LEAVE, two changes
            1,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            4, // ADD_LEARNER node 4
            2,
            0,
            0,
            0,
            0,
            0,
            0,
            1,
            2 // REMOVE_NODE node 258
        };
        assertArrayEquals(expected, c.encode());
    }

    @Test
    void unknownVersionTypeOrTransitionIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> ConfChange.decode(new byte[] {2, 0, 0, 0, 0, 0}));
        assertThrows(IllegalArgumentException.class, () -> ConfChange.decode(new byte[] {1, 9, 0, 0, 0, 0}));
        byte[] badType = {1, 0, 0, 0, 0, 1, 7, 0, 0, 0, 0, 0, 0, 0, 1};
        assertThrows(IllegalArgumentException.class, () -> ConfChange.decode(badType));
        byte[] trailing = {1, 0, 0, 0, 0, 0, 5};
        assertThrows(IllegalArgumentException.class, () -> ConfChange.decode(trailing));
    }

    @Test
    void invalidChangesAreRejectedAtConstruction() {
        assertThrows(IllegalArgumentException.class, () -> new Change(ChangeType.ADD_VOTER, 0));
        assertThrows(IllegalArgumentException.class, () -> new Change(null, 1));
        assertThrows(IllegalArgumentException.class, () -> new ConfChange(new ArrayList<>(), null));
    }

    @Test
    void leaveJointIsTheEmptyChange() {
        assertTrue(ConfChange.leaveJoint().isLeaveJoint());
        assertEquals(
                ConfChange.leaveJoint(),
                ConfChange.decode(ConfChange.leaveJoint().encode()));
    }
}
