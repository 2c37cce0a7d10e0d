package dev.flotilla.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.raft.Message.InstallSnapshot;
import dev.flotilla.raft.Status.FollowerProgress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Log compaction, sending snapshots to followers that need compacted entries, and installing them. */
class SnapshotTest {
    private static void compactLeader(TestCluster c, long leader) {
        Status st = c.status(leader);
        c.storages.get(leader).compact(st.applied(), st.membership(), ("snap@" + st.applied()).getBytes());
    }

    @Test
    void leaderSendsItsSnapshotToAFollowerThatNeedsCompactedEntries() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        c.crash(3);
        for (int i = 0; i < 5; i++) {
            c.propose(1, "p" + i);
        }
        compactLeader(c, 1);
        long snapshotIndex = c.storages.get(1L).snapshot().index();
        c.restart(3);
        c.tickAll(3);
        List<InstallSnapshot> sent = c.sentOfType(InstallSnapshot.class);
        assertEquals(1, sent.size());
        assertEquals(snapshotIndex, sent.get(0).snapshot().index());
        assertEquals("snap@" + snapshotIndex, new String(sent.get(0).snapshot().handle()));
        assertEquals(snapshotIndex, c.storages.get(3L).snapshot().index(), "the follower persisted the snapshot");
        assertEquals(
                FollowerProgress.State.REPLICATE, c.status(1).progress().get(3L).state());
    }

    @Test
    void followerContinuesFromTheSnapshotIndex() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        c.crash(3);
        c.propose(1, "before");
        compactLeader(c, 1);
        c.propose(1, "after");
        c.restart(3);
        c.tickAll(3);
        assertEquals(List.of("after"), c.appliedData(3), "entries up to the snapshot come with the snapshot");
        assertEquals(c.storages.get(1L).lastIndex(), c.storages.get(3L).lastIndex());
        assertEquals(c.status(1).hardState().commit(), c.status(3).hardState().commit());
    }

    @Test
    void snapshotStateWaitsForTheReportBeforeSendingAgain() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        c.crash(3);
        c.propose(1, "x");
        compactLeader(c, 1);
        c.restart(3);
        c.dropIf(m -> m instanceof InstallSnapshot);
        c.tickAll(3);
        assertEquals(
                FollowerProgress.State.SNAPSHOT, c.status(1).progress().get(3L).state());
        int snapshotsSent = c.sentOfType(InstallSnapshot.class).size();
        c.tickAll(3);
        assertEquals(snapshotsSent, c.sentOfType(InstallSnapshot.class).size(), "nothing is resent while pending");
        c.node(1).reportSnapshot(3, false);
        assertEquals(
                FollowerProgress.State.PROBE, c.status(1).progress().get(3L).state());
        c.heal();
        c.tickAll(3);
        assertTrue(c.sentOfType(InstallSnapshot.class).size() > snapshotsSent, "a failed snapshot is retried");
        assertEquals(
                FollowerProgress.State.REPLICATE, c.status(1).progress().get(3L).state());
    }

    @Test
    void successfulSnapshotReportResumesReplicationAfterTheSnapshot() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        c.crash(3);
        c.propose(1, "x");
        compactLeader(c, 1);
        c.restart(3);
        c.dropIf(m -> m instanceof InstallSnapshot);
        c.tickAll(2);
        assertEquals(
                FollowerProgress.State.SNAPSHOT, c.status(1).progress().get(3L).state());
        c.node(1).reportSnapshot(3, true);
        FollowerProgress p = c.status(1).progress().get(3L);
        assertEquals(FollowerProgress.State.PROBE, p.state());
        assertEquals(c.storages.get(1L).snapshot().index() + 1, p.next());
    }

    @Test
    void followerAlreadyHoldingTheSnapshotsEntriesOnlyAdvancesItsCommit() {
        Membership m = Membership.ofVoters(Set.of(1L, 2L));
        MemoryLogStorage s = TestCluster.storageWithLog(m, 2, 1, 2, 2);
        RaftReplica r = RaftReplica.create(TestCluster.defaults(1), s);
        r.step(new InstallSnapshot(2, 1, 2, new SnapshotMeta(2, 2, m, new byte[0])));
        Ready ready = r.ready();
        assertTrue(ready.snapshot().isEmpty());
        assertEquals(2, r.status().hardState().commit());
        assertEquals(3, r.status().lastIndex());
    }

    @Test
    void restartedReplicaResumesFromItsSnapshot() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        c.propose(1, "a");
        c.propose(1, "b");
        compactLeader(c, 1);
        c.crash(1);
        c.restart(1);
        assertEquals(c.storages.get(1L).snapshot().index(), c.status(1).applied());
        c.tickAll(30);
        c.propose(c.leaderId(), "c");
        assertEquals(List.of("c"), c.appliedData(1), "only entries after the snapshot are replayed");
    }
}
