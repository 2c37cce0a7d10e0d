package dev.flotilla.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.raft.ConfChange.Change;
import dev.flotilla.raft.ConfChange.ChangeType;
import dev.flotilla.raft.ConfChange.Transition;
import dev.flotilla.raft.Message.VoteRequest;
import dev.flotilla.raft.ProposalRejectedException.Reason;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Learners, joint consensus, learner promotion and removal. */
class MembershipChangeTest {
    private static TestCluster withSpare(int voters, long... spares) {
        Set<Long> ids = new java.util.HashSet<>();
        for (long i = 1; i <= voters; i++) {
            ids.add(i);
        }
        TestCluster c = TestCluster.of(Membership.ofVoters(ids), TestCluster::defaults);
        for (long spare : spares) {
            // A node joining later starts from the group's initial configuration (the index-0 snapshot every member
            // shares) and learns the changes from the log, or from the leader's snapshot if the log was compacted.
            c.add(spare, new MemoryLogStorage(Membership.ofVoters(ids)), TestCluster.defaults(spare));
        }
        return c;
    }

    private static long confEntries(TestCluster c, long node) {
        return c.applied.get(node).stream()
                .filter(e -> e.type() == EntryType.CONF_CHANGE)
                .count();
    }

    @Test
    void learnerReceivesTheLogButNeverVotesOrCampaigns() {
        Membership m = new Membership(Set.of(1L, 2L, 3L), Set.of(), Set.of(4L), Set.of(), false);
        TestCluster c = TestCluster.of(m, TestCluster::defaults);
        c.elect(1);
        c.propose(1, "a");
        assertEquals(List.of("a"), c.appliedData(4));
        c.isolate(4);
        c.tickAll(60);
        assertEquals(Role.FOLLOWER, c.status(4).role());
        assertTrue(c.sentOfType(VoteRequest.class).stream().noneMatch(v -> v.from() == 4));
    }

    @Test
    void learnersDoNotCountTowardsTheCommitQuorum() {
        Membership m = new Membership(Set.of(1L, 2L, 3L), Set.of(), Set.of(4L, 5L), Set.of(), false);
        TestCluster c = TestCluster.of(m, TestCluster::defaults);
        c.elect(1);
        c.dropIf(m2 -> m2.to() == 2 || m2.to() == 3);
        c.propose(1, "a");
        assertEquals(List.of(), c.appliedData(1), "two learners and the leader are not a quorum");
    }

    @Test
    void addingALearnerThenPromotingItMakesItAVoter() {
        TestCluster c = withSpare(3, 4);
        c.elect(1);
        c.node(1).proposeConfChange(ConfChange.of(ChangeType.ADD_LEARNER, 4));
        c.stabilize();
        c.tickAll(3);
        assertEquals(Set.of(4L), c.status(1).membership().learners());
        c.node(1).proposeConfChange(ConfChange.of(ChangeType.PROMOTE_LEARNER, 4));
        c.stabilize();
        c.tickAll(3);
        assertEquals(Set.of(1L, 2L, 3L, 4L), c.status(4).membership().voters());
        assertEquals(Set.of(), c.status(4).membership().learners());
    }

    @Test
    void promotingANodeThatIsNotALearnerIsRefused() {
        TestCluster c = withSpare(3);
        c.elect(1);
        ProposalRejectedException e = assertThrows(ProposalRejectedException.class, () -> c.node(1)
                .proposeConfChange(ConfChange.of(ChangeType.PROMOTE_LEARNER, 7)));
        assertEquals(Reason.CONF_CHANGE_NOT_ALLOWED, e.reason());
    }

    @Test
    void severalChangesGoThroughJointConsensusAndLeaveAutomatically() {
        TestCluster c = withSpare(3, 4, 5);
        c.elect(1);
        c.node(1)
                .proposeConfChange(new ConfChange(
                        List.of(new Change(ChangeType.ADD_VOTER, 4), new Change(ChangeType.ADD_VOTER, 5)),
                        Transition.AUTO));
        c.stabilize();
        c.tickAll(5);
        Membership after = c.status(1).membership();
        assertEquals(Set.of(1L, 2L, 3L, 4L, 5L), after.voters());
        assertFalse(after.isJoint());
        assertEquals(2, confEntries(c, 1), "enter joint, then the automatic leave");
        c.propose(1, "five");
        assertEquals(List.of("five"), c.appliedData(5));
    }

    @Test
    void jointConfigurationNeedsAMajorityOfBothHalves() {
        TestCluster c = withSpare(3, 4, 5);
        c.elect(1);
        c.node(1)
                .proposeConfChange(new ConfChange(
                        List.of(
                                new Change(ChangeType.ADD_VOTER, 4),
                                new Change(ChangeType.ADD_VOTER, 5),
                                new Change(ChangeType.REMOVE_NODE, 2),
                                new Change(ChangeType.REMOVE_NODE, 3)),
                        Transition.JOINT_EXPLICIT_LEAVE));
        c.stabilize();
        c.tickAll(3);
        assertTrue(c.status(1).membership().isJoint());
        // Old half {1,2,3} and new half {1,4,5}: losing 4 and 5 leaves the new half without a majority.
        c.dropIf(m -> m.to() == 4 || m.to() == 5);
        c.propose(1, "stuck");
        assertEquals(List.of(), c.appliedData(1));
        c.heal();
        c.tickAll(2);
        assertEquals(List.of("stuck"), c.appliedData(1));
    }

    @Test
    void explicitJointStaysJointUntilLeaveIsProposed() {
        TestCluster c = withSpare(3, 4);
        c.elect(1);
        c.node(1)
                .proposeConfChange(
                        new ConfChange(List.of(new Change(ChangeType.ADD_VOTER, 4)), Transition.JOINT_EXPLICIT_LEAVE));
        c.stabilize();
        c.tickAll(5);
        assertTrue(c.status(1).membership().isJoint());
        assertEquals(
                Reason.CONF_CHANGE_NOT_ALLOWED,
                assertThrows(ProposalRejectedException.class, () -> c.node(1)
                                .proposeConfChange(ConfChange.of(ChangeType.ADD_VOTER, 5)))
                        .reason());
        c.node(1).proposeConfChange(ConfChange.leaveJoint());
        c.stabilize();
        c.tickAll(2);
        assertFalse(c.status(1).membership().isJoint());
        assertEquals(Set.of(1L, 2L, 3L, 4L), c.status(1).membership().voters());
    }

    @Test
    void demotingAVoterInJointConsensusMakesItALearnerOnLeaving() {
        TestCluster c = withSpare(3, 4);
        c.elect(1);
        c.node(1)
                .proposeConfChange(new ConfChange(
                        List.of(new Change(ChangeType.ADD_VOTER, 4), new Change(ChangeType.ADD_LEARNER, 3)),
                        Transition.AUTO));
        c.stabilize();
        c.tickAll(5);
        Membership m = c.status(1).membership();
        assertEquals(Set.of(1L, 2L, 4L), m.voters());
        assertEquals(Set.of(3L), m.learners());
    }

    @Test
    void secondChangeIsRefusedUntilTheFirstIsApplied() {
        TestCluster c = withSpare(3, 4, 5);
        c.elect(1);
        c.dropIf(m -> m.from() == 1);
        c.node(1).proposeConfChange(ConfChange.of(ChangeType.ADD_LEARNER, 4));
        ProposalRejectedException e = assertThrows(ProposalRejectedException.class, () -> c.node(1)
                .proposeConfChange(ConfChange.of(ChangeType.ADD_LEARNER, 5)));
        assertEquals(Reason.CONF_CHANGE_NOT_ALLOWED, e.reason());
    }

    @Test
    void removedNodeStopsCampaigning() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        c.node(1).proposeConfChange(ConfChange.of(ChangeType.REMOVE_NODE, 3));
        c.stabilize();
        c.tickAll(2);
        assertEquals(Set.of(1L, 2L), c.status(3).membership().voters());
        c.isolate(3);
        int before = c.sentOfType(VoteRequest.class).size();
        c.tickAll(60);
        assertTrue(c.sentOfType(VoteRequest.class).stream().skip(before).noneMatch(v -> v.from() == 3));
        assertEquals(Role.FOLLOWER, c.status(3).role());
    }

    @Test
    void removedLeaderStepsDownAndTheRestElectASuccessor() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        c.node(1).proposeConfChange(ConfChange.of(ChangeType.REMOVE_NODE, 1));
        c.stabilize();
        c.tickAll(2);
        assertEquals(Role.FOLLOWER, c.status(1).role());
        c.tickAll(40);
        long leader = c.leaderId();
        assertTrue(leader == 2 || leader == 3, "leader " + leader);
        c.propose(leader, "without 1");
        assertEquals(List.of("without 1"), c.appliedData(leader == 2 ? 3 : 2));
    }

    @Test
    void restartedReplicaReplaysConfigurationChangesFromTheLog() {
        TestCluster c = withSpare(3, 4);
        c.elect(1);
        c.node(1).proposeConfChange(ConfChange.of(ChangeType.ADD_VOTER, 4));
        c.stabilize();
        c.tickAll(2);
        c.crash(2);
        c.restart(2);
        assertEquals(Set.of(1L, 2L, 3L), c.status(2).membership().voters(), "the snapshot's membership first");
        c.processReady(2);
        assertEquals(Set.of(1L, 2L, 3L, 4L), c.status(2).membership().voters(), "then the log's changes");
    }
}
