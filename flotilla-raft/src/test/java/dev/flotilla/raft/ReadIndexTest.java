package dev.flotilla.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.raft.Message.Heartbeat;
import dev.flotilla.raft.ProposalRejectedException.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Linearizable reads without log writes: ReadIndex and lease reads. */
class ReadIndexTest {
    private static RaftConfig lease(long id) {
        return TestCluster.defaults(id).withElection(true, true, ReadOnlyMode.LEASE_BASED);
    }

    private static long heartbeatsWithContext(TestCluster c) {
        return c.sentOfType(Heartbeat.class).stream()
                .filter(h -> h.context().length > 0)
                .count();
    }

    @Test
    void readIndexOnTheLeaderIsSafeAfterAQuorumAcknowledgesAHeartbeat() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        c.propose(1, "a");
        c.node(1).readIndex("r1".getBytes());
        assertTrue(c.reads.get(1L).isEmpty(), "not before the heartbeat round");
        c.stabilize();
        assertEquals(1, c.reads.get(1L).size());
        ReadState rs = c.reads.get(1L).get(0);
        assertArrayEquals("r1".getBytes(), rs.context());
        assertEquals(c.status(1).hardState().commit(), rs.index());
        assertEquals(1, heartbeatsWithContext(c) / 2, "one heartbeat round to both followers");
    }

    @Test
    void readIndexIsNotConfirmedWithoutAQuorum() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        c.isolate(1);
        c.node(1).readIndex("r".getBytes());
        c.stabilize();
        assertTrue(c.reads.get(1L).isEmpty());
    }

    @Test
    void readIndexFromAFollowerIsForwardedAndAnswered() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        c.propose(1, "a");
        c.node(2).readIndex("f".getBytes());
        c.stabilize();
        assertEquals(1, c.reads.get(2L).size());
        assertEquals(c.status(1).hardState().commit(), c.reads.get(2L).get(0).index());
        assertArrayEquals("f".getBytes(), c.reads.get(2L).get(0).context());
    }

    @Test
    void readIndexWithoutALeaderIsRejected() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        ProposalRejectedException e =
                assertThrows(ProposalRejectedException.class, () -> c.node(1).readIndex(new byte[0]));
        assertEquals(Reason.NO_LEADER, e.reason());
    }

    @Test
    void newLeaderDefersReadsUntilItCommitsAnEntryOfItsTerm() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.dropIf(m -> m instanceof Message.AppendResponse);
        c.elect(1);
        c.node(1).readIndex("early".getBytes());
        c.stabilize();
        assertEquals(0, heartbeatsWithContext(c), "the commit index is not known yet");
        c.heal();
        c.tickAll(2);
        assertEquals(1, c.reads.get(1L).size());
        assertTrue(c.reads.get(1L).get(0).index() >= 1);
    }

    @Test
    void singleVoterAnswersReadsAtOnce() {
        TestCluster c = TestCluster.of(1, TestCluster::defaults);
        c.elect(1);
        c.node(1).readIndex("s".getBytes());
        c.processReady(1);
        assertEquals(List.of(1L), c.reads.get(1L).stream().map(ReadState::index).toList());
    }

    @Test
    void leaseReadIsAnsweredWithoutAHeartbeatRoundWhileTheLeaseHolds() {
        TestCluster c = TestCluster.of(3, ReadIndexTest::lease);
        c.elect(1);
        c.tickAll(2);
        long before = heartbeatsWithContext(c);
        c.node(1).readIndex("l".getBytes());
        c.processReady(1);
        assertEquals(1, c.reads.get(1L).size());
        assertEquals(before, heartbeatsWithContext(c));
    }

    @Test
    void expiredLeaseFallsBackToAHeartbeatRound() {
        TestCluster c = TestCluster.of(3, ReadIndexTest::lease);
        c.elect(1);
        c.tickAll(2);
        c.dropIf(m -> m.from() != 1);
        for (int i = 0; i < c.configs.get(1L).electionTicks() - 1; i++) {
            c.tick(1);
        }
        c.node(1).readIndex("late".getBytes());
        c.stabilize();
        assertTrue(c.reads.get(1L).isEmpty(), "no quorum heard recently: the lease is over");
        assertTrue(heartbeatsWithContext(c) > 0);
    }

    @Test
    void leaseReadsAreRefusedAsLeasesDuringALeadershipTransfer() {
        TestCluster c = TestCluster.of(3, ReadIndexTest::lease);
        c.elect(1);
        c.tickAll(2);
        c.dropIf(m -> m.to() == 2);
        c.node(1).transferLeadership(2);
        c.node(1).readIndex("t".getBytes());
        c.processReady(1);
        assertTrue(c.reads.get(1L).isEmpty(), "the transfer target may win at any moment");
    }
}
