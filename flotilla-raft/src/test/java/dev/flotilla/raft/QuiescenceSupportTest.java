package dev.flotilla.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What a runtime needs to let idle groups stop ticking: {@code isSettled} and {@code confirmLeaderAlive}. */
class QuiescenceSupportTest {
    @Test
    void groupIsSettledOnceEveryMemberHoldsAndAppliedTheWholeLog() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        c.propose(1, "x");
        c.tickAll(1);
        for (long id = 1; id <= 3; id++) {
            assertTrue(c.node(id).isSettled(), "node " + id + ": " + c.status(id));
        }
    }

    @Test
    void leaderIsNotSettledWhileAFollowerLags() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        c.isolate(3);
        c.propose(1, "x");
        assertFalse(c.node(1).isSettled(), "node 3 lacks the entry");
        assertTrue(c.node(2).isSettled());
        c.heal();
        c.tickAll(2);
        assertTrue(c.node(1).isSettled());
    }

    @Test
    void leaderIsNotSettledUntilEveryFollowerAcknowledgedAHeartbeatWithTheCommitIndex() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        // Node 3 gets the entry but none of the messages that tell it the entry committed.
        c.dropIf(m -> m.to() == 3
                && (m instanceof Message.Heartbeat
                        || m instanceof Message.Append a && a.entries().isEmpty()));
        c.propose(1, "x");
        c.tickAll(3);
        assertEquals(c.status(1).lastIndex(), c.status(1).progress().get(3L).match(), "node 3 holds the entry");
        assertTrue(c.status(3).hardState().commit() < c.status(1).hardState().commit(), "but not its commit");
        assertFalse(c.node(1).isSettled(), "the leader must not go quiet before node 3 learns the commit");
        c.dropIf(m -> false);
        c.tickAll(3);
        assertEquals(c.status(1).hardState().commit(), c.status(3).hardState().commit());
        assertTrue(c.node(1).isSettled());
    }

    @Test
    void restartedLeaderIsReElectedByFollowersThatDoNotTick() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        c.propose(1, "x");
        c.crash(1);
        c.restart(1);
        // Quiet followers do not tick: only the restarted leader's own election timeout runs.
        for (int i = 0; i < 3 * TestCluster.defaults(1).electionTicks() && c.leaderId() == RaftConfig.NO_NODE; i++) {
            c.tick(1);
            c.stabilize();
        }
        assertEquals(1, c.leaderId(), "followers must not keep a lease for a leader that asks for their vote");
        assertEquals(1, c.status(2).leader());
    }

    @Test
    void replicaWithWorkToHandOutOrNoLeaderIsNotSettled() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        assertFalse(c.node(1).isSettled(), "no leader is known yet");
        c.elect(1);
        c.node(1).propose("pending".getBytes());
        assertFalse(c.node(1).isSettled(), "an unpersisted proposal is pending");
    }

    @Test
    void candidateIsNeverSettled() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        c.isolate(2);
        c.tickAll(40);
        assertTrue(c.status(2).role() == Role.PRE_CANDIDATE || c.status(2).role() == Role.CANDIDATE);
        assertFalse(c.node(2).isSettled());
    }

    @Test
    void confirmingTheLeaderAliveRestartsAFollowersElectionTimeout() {
        RaftConfig config = TestCluster.defaults(2);
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        long term = c.status(1).hardState().term();
        c.isolate(1);
        // Just short of the shortest election timeout, confirm the leader: the count starts over.
        for (int i = 0; i < config.electionTicks() - 1; i++) {
            c.tick(2);
        }
        c.node(2).confirmLeaderAlive();
        for (int i = 0; i < config.electionTicks() - 1; i++) {
            c.tick(2);
        }
        assertEquals(Role.FOLLOWER, c.status(2).role());
        assertEquals(term, c.status(2).hardState().term());
        // Without further confirmation it campaigns within the randomized timeout.
        for (int i = 0; i < 2 * config.electionTicks(); i++) {
            c.tick(2);
        }
        assertTrue(c.status(2).role() != Role.FOLLOWER, c.status(2).toString());
    }

    @Test
    void confirmingALeaderIsIgnoredByTheLeaderItself() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        c.node(1).confirmLeaderAlive();
        assertEquals(Role.LEADER, c.status(1).role());
    }
}
