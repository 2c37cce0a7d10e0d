package dev.flotilla.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flotilla.raft.ConfChange.ChangeType;
import dev.flotilla.raft.ProposalRejectedException.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProposalForwardingTest {
    @Test
    void followerForwardsProposalsToTheLeaderByDefault() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        c.propose(2, "from follower");
        assertEquals(List.of("from follower"), c.appliedData(1));
        assertEquals(1, c.sentOfType(Message.ForwardedProposal.class).size());
    }

    @Test
    void followerForwardsConfigurationChanges() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        c.node(3).proposeConfChange(ConfChange.of(ChangeType.ADD_LEARNER, 9));
        c.stabilize();
        c.tickAll(2);
        assertEquals(java.util.Set.of(9L), c.status(1).membership().learners());
    }

    @Test
    void withForwardingOffAFollowerRefusesProposals() {
        TestCluster c = TestCluster.of(3, id -> TestCluster.defaults(id).withProposalForwarding(false));
        c.elect(1);
        ProposalRejectedException e =
                assertThrows(ProposalRejectedException.class, () -> c.node(2).propose("x".getBytes()));
        assertEquals(Reason.NO_LEADER, e.reason());
        assertEquals(0, c.sentOfType(Message.ForwardedProposal.class).size());
    }

    @Test
    void withoutAKnownLeaderProposalsAreRefused() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        ProposalRejectedException e =
                assertThrows(ProposalRejectedException.class, () -> c.node(2).propose("x".getBytes()));
        assertEquals(Reason.NO_LEADER, e.reason());
    }

    @Test
    void forwardedProposalRefusedByTheLeaderIsDroppedThere() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        c.isolate(3);
        c.node(1).transferLeadership(3);
        c.heal();
        c.dropIf(m -> m.to() == 3 || m.from() == 3);
        c.propose(2, "during transfer");
        assertEquals(List.of(), c.appliedData(1));
    }
}
