package dev.flotilla.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.raft.Message.TimeoutNow;
import dev.flotilla.raft.ProposalRejectedException.Reason;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LeadershipTransferTest {
    @Test
    void transferToAnUpToDateFollowerMakesItLeader() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        c.node(1).transferLeadership(2);
        c.stabilize();
        assertEquals(Role.LEADER, c.status(2).role());
        assertEquals(Role.FOLLOWER, c.status(1).role());
        assertEquals(1, c.sentOfType(TimeoutNow.class).size());
    }

    @Test
    void transferCatchesALaggingTargetUpBeforeSendingTimeoutNow() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        c.isolate(3);
        c.propose(1, "a");
        c.propose(1, "b");
        c.heal();
        c.node(1).transferLeadership(3);
        c.stabilize();
        assertEquals(Role.LEADER, c.status(3).role());
        c.propose(3, "c");
        assertEquals(List.of("a", "b", "c"), c.appliedData(1));
    }

    @Test
    void proposalsAreRefusedDuringATransfer() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        c.isolate(2);
        c.node(1).transferLeadership(2);
        assertEquals(Optional.of(2L), c.status(1).transferTarget());
        ProposalRejectedException e =
                assertThrows(ProposalRejectedException.class, () -> c.node(1).propose("x".getBytes()));
        assertEquals(Reason.TRANSFER_IN_PROGRESS, e.reason());
    }

    @Test
    void transferTimesOutAfterAnElectionTimeoutAndProposalsResume() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        c.isolate(2);
        c.node(1).transferLeadership(2);
        for (int i = 0; i < c.configs.get(1L).electionTicks(); i++) {
            c.tick(1);
        }
        assertEquals(Optional.empty(), c.status(1).transferTarget());
        assertEquals(Role.LEADER, c.status(1).role());
        c.heal();
        c.propose(1, "resumed");
        assertEquals(List.of("resumed"), c.appliedData(1));
    }

    @Test
    void transferToANonVoterOrToSelfIsRejected() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        assertEquals(
                Reason.INVALID_TRANSFER_TARGET,
                assertThrows(ProposalRejectedException.class, () -> c.node(1).transferLeadership(1))
                        .reason());
        assertEquals(
                Reason.INVALID_TRANSFER_TARGET,
                assertThrows(ProposalRejectedException.class, () -> c.node(1).transferLeadership(9))
                        .reason());
    }

    @Test
    void onlyTheLeaderTransfers() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        assertEquals(
                Reason.NO_LEADER,
                assertThrows(ProposalRejectedException.class, () -> c.node(2).transferLeadership(3))
                        .reason());
    }

    @Test
    void timeoutNowOverridesCheckQuorumLeases() {
        TestCluster c =
                TestCluster.of(3, id -> TestCluster.defaults(id).withElection(true, true, ReadOnlyMode.READ_INDEX));
        c.elect(1);
        c.node(1).transferLeadership(3);
        c.stabilize();
        assertEquals(Role.LEADER, c.status(3).role(), "voters in node 1's lease still vote for the transfer");
        assertTrue(c.sentOfType(Message.VoteRequest.class).stream().anyMatch(Message.VoteRequest::leadershipTransfer));
    }
}
