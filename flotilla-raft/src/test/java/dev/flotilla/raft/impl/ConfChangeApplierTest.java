package dev.flotilla.raft.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flotilla.raft.ConfChange;
import dev.flotilla.raft.ConfChange.Change;
import dev.flotilla.raft.ConfChange.ChangeType;
import dev.flotilla.raft.ConfChange.Transition;
import dev.flotilla.raft.Membership;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfChangeApplierTest {
    private static final Membership ABC = Membership.ofVoters(Set.of(1L, 2L, 3L));

    @Test
    void singleVoterChangeIsAppliedDirectly() {
        assertEquals(
                Membership.ofVoters(Set.of(1L, 2L, 3L, 4L)),
                ConfChangeApplier.apply(ABC, ConfChange.of(ChangeType.ADD_VOTER, 4)));
        assertEquals(
                Membership.ofVoters(Set.of(1L, 2L)),
                ConfChangeApplier.apply(ABC, ConfChange.of(ChangeType.REMOVE_NODE, 3)));
    }

    @Test
    void learnerChangesDoNotNeedJointConsensus() {
        Membership m = ConfChangeApplier.apply(
                ABC,
                new ConfChange(
                        List.of(new Change(ChangeType.ADD_LEARNER, 4), new Change(ChangeType.ADD_LEARNER, 5)),
                        Transition.AUTO));
        assertEquals(new Membership(Set.of(1L, 2L, 3L), Set.of(), Set.of(4L, 5L), Set.of(), false), m);
    }

    @Test
    void twoVoterChangesEnterJointWithAutoLeave() {
        Membership m = ConfChangeApplier.apply(
                ABC,
                new ConfChange(
                        List.of(new Change(ChangeType.ADD_VOTER, 4), new Change(ChangeType.REMOVE_NODE, 1)),
                        Transition.AUTO));
        assertEquals(new Membership(Set.of(2L, 3L, 4L), Set.of(1L, 2L, 3L), Set.of(), Set.of(), true), m);
    }

    @Test
    void explicitJointDoesNotAutoLeaveEvenForOneChange() {
        Membership m = ConfChangeApplier.apply(
                ABC, new ConfChange(List.of(new Change(ChangeType.ADD_VOTER, 4)), Transition.JOINT_EXPLICIT_LEAVE));
        assertEquals(new Membership(Set.of(1L, 2L, 3L, 4L), Set.of(1L, 2L, 3L), Set.of(), Set.of(), false), m);
        Membership forced = ConfChangeApplier.apply(
                ABC, new ConfChange(List.of(new Change(ChangeType.ADD_VOTER, 4)), Transition.JOINT_AUTO_LEAVE));
        assertEquals(true, forced.autoLeave());
    }

    @Test
    void demotedVoterWaitsInLearnersNextUntilLeave() {
        Membership joint = ConfChangeApplier.apply(
                ABC,
                new ConfChange(
                        List.of(new Change(ChangeType.ADD_LEARNER, 3), new Change(ChangeType.ADD_VOTER, 4)),
                        Transition.AUTO));
        assertEquals(Set.of(3L), joint.learnersNext());
        assertEquals(Set.of(), joint.learners());
        Membership left = ConfChangeApplier.apply(joint, ConfChange.leaveJoint());
        assertEquals(new Membership(Set.of(1L, 2L, 4L), Set.of(), Set.of(3L), Set.of(), false), left);
    }

    @Test
    void promotionTurnsALearnerIntoAVoter() {
        Membership withLearner = new Membership(Set.of(1L, 2L, 3L), Set.of(), Set.of(4L), Set.of(), false);
        assertEquals(
                Membership.ofVoters(Set.of(1L, 2L, 3L, 4L)),
                ConfChangeApplier.apply(withLearner, ConfChange.of(ChangeType.PROMOTE_LEARNER, 4)));
        assertThrows(
                IllegalArgumentException.class,
                () -> ConfChangeApplier.apply(ABC, ConfChange.of(ChangeType.PROMOTE_LEARNER, 4)));
    }

    @Test
    void invalidTransitionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ConfChangeApplier.apply(ABC, ConfChange.leaveJoint()));
        Membership joint = new Membership(Set.of(1L), Set.of(1L, 2L), Set.of(), Set.of(), true);
        assertThrows(
                IllegalArgumentException.class,
                () -> ConfChangeApplier.apply(joint, ConfChange.of(ChangeType.ADD_VOTER, 5)));
        assertThrows(
                IllegalArgumentException.class,
                () -> ConfChangeApplier.apply(
                        Membership.ofVoters(Set.of(1L)), ConfChange.of(ChangeType.REMOVE_NODE, 1)));
    }
}
