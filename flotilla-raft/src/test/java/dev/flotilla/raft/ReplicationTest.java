package dev.flotilla.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.raft.Message.Append;
import dev.flotilla.raft.Message.AppendResponse;
import dev.flotilla.raft.ProposalRejectedException.Reason;
import dev.flotilla.raft.Status.FollowerProgress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Per-follower progress states, flow control and fast backtracking. */
class ReplicationTest {
    private static RaftConfig flow(
            long id, int inflightMessages, long inflightBytes, long bytesPerMessage, long uncommitted) {
        return TestCluster.defaults(id).withFlowControl(inflightMessages, inflightBytes, bytesPerMessage, uncommitted);
    }

    private static long appendsWithEntriesTo(TestCluster c, long to) {
        return c.sentOfType(Append.class).stream()
                .filter(a -> a.to() == to && !a.entries().isEmpty())
                .count();
    }

    @Test
    void followerThatAnsweredIsReplicatedToInReplicateState() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        FollowerProgress p = c.status(1).progress().get(2L);
        assertEquals(FollowerProgress.State.REPLICATE, p.state());
        assertEquals(c.status(1).lastIndex(), p.match());
    }

    @Test
    void probeStateSendsOneAppendAtATimeUntilTheFollowerAnswers() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.isolate(3);
        c.elect(1);
        assertEquals(
                FollowerProgress.State.PROBE, c.status(1).progress().get(3L).state());
        long before = appendsWithEntriesTo(c, 3);
        for (int i = 0; i < 5; i++) {
            c.propose(1, "p" + i);
        }
        assertEquals(before, appendsWithEntriesTo(c, 3), "a paused probe sends nothing more");
        c.heal();
        c.tickAll(3);
        assertEquals(
                FollowerProgress.State.REPLICATE, c.status(1).progress().get(3L).state());
        assertEquals(List.of("p0", "p1", "p2", "p3", "p4"), c.appliedData(3));
    }

    @Test
    void replicateStatePipelinesAtMostMaxInflightMessages() {
        TestCluster c = TestCluster.of(3, id -> flow(id, 2, 1L << 20, 1L << 20, 1L << 20));
        c.elect(1);
        c.dropIf(m -> m.to() == 3);
        long before = appendsWithEntriesTo(c, 3);
        for (int i = 0; i < 5; i++) {
            c.propose(1, "p" + i);
        }
        assertEquals(before + 2, appendsWithEntriesTo(c, 3));
        assertEquals(2, c.status(1).progress().get(3L).inflightMessages());
    }

    @Test
    void replicateStatePipelinesAtMostMaxInflightBytes() {
        TestCluster c = TestCluster.of(3, id -> flow(id, 100, 10, 1L << 20, 1L << 20));
        c.elect(1);
        c.dropIf(m -> m.to() == 3);
        long before = appendsWithEntriesTo(c, 3);
        for (int i = 0; i < 5; i++) {
            c.propose(1, "123456");
        }
        assertEquals(before + 2, appendsWithEntriesTo(c, 3), "6 + 6 bytes reach the 10-byte window");
    }

    @Test
    void heartbeatResponseFreesOneInflightSlotSoAFullWindowCannotStallForever() {
        TestCluster c = TestCluster.of(3, id -> flow(id, 1, 1L << 20, 1L << 20, 1L << 20));
        c.elect(1);
        c.dropIf(m -> m.to() == 3 && m instanceof Append);
        c.propose(1, "a");
        c.propose(1, "b");
        long before = appendsWithEntriesTo(c, 3);
        c.heal();
        c.tickAll(1);
        assertTrue(appendsWithEntriesTo(c, 3) > before);
        assertEquals(List.of("a", "b"), c.appliedData(3));
    }

    @Test
    void appendsCarryAtMostMaxBytesPerMessageButAlwaysOneEntry() {
        TestCluster c = TestCluster.of(3, id -> flow(id, 100, 1L << 20, 25, 1L << 20));
        c.elect(1);
        c.isolate(3);
        for (int i = 0; i < 6; i++) {
            c.propose(1, "0123456789");
        }
        c.propose(1, "x".repeat(100));
        c.heal();
        c.tickAll(3);
        for (Append a : c.sentOfType(Append.class)) {
            long bytes = a.entries().stream().mapToLong(Entry::sizeBytes).sum();
            assertTrue(bytes <= 25 || a.entries().size() == 1, "append of " + bytes + " bytes: " + a);
        }
        assertEquals(7, c.appliedData(3).size());
    }

    @Test
    void uncommittedBytesBoundRefusesProposalsUntilEntriesCommit() {
        TestCluster c = TestCluster.of(3, id -> flow(id, 100, 1L << 20, 1L << 20, 10));
        c.elect(1);
        c.dropIf(m -> m.from() == 1 && m.to() != 1);
        c.node(1).propose("12345678".getBytes());
        ProposalRejectedException e =
                assertThrows(ProposalRejectedException.class, () -> c.node(1).propose("12345678".getBytes()));
        assertEquals(Reason.UNCOMMITTED_BYTES_LIMIT, e.reason());
        c.heal();
        c.tickAll(2);
        c.node(1).propose("12345678".getBytes());
        c.stabilize();
        assertEquals(2, c.appliedData(1).size(), "accepted again once the first entry committed");
    }

    @Test
    void fastBacktrackingSkipsAWholeConflictingTermInOneRoundTrip() {
        Membership m = Membership.ofVoters(Set.of(1L, 2L, 3L));
        long[] leaderLog = new long[40];
        long[] staleLog = new long[40];
        for (int i = 0; i < 40; i++) {
            leaderLog[i] = i < 5 ? 1 : 3;
            staleLog[i] = i < 5 ? 1 : 2;
        }
        TestCluster c = new TestCluster();
        // Restarted voters with check-quorum would honour an unknown lease first; that is not the point here.
        for (long id = 1; id <= 3; id++) {
            RaftConfig config = TestCluster.defaults(id).withElection(true, false, ReadOnlyMode.READ_INDEX);
            c.add(id, TestCluster.storageWithLog(m, 3, id == 2 ? staleLog : leaderLog), config);
        }
        c.elect(1);
        c.tickAll(2);
        long rejections = c.sentOfType(AppendResponse.class).stream()
                .filter(r -> r.from() == 2 && r.reject())
                .count();
        assertTrue(rejections <= 2, "35 conflicting entries resolved with " + rejections + " rejections");
        assertEquals(c.storages.get(1L).lastIndex(), c.storages.get(2L).lastIndex());
        assertEquals(3, c.storages.get(2L).term(6));
    }

    @Test
    void rejectionCarriesTheConflictHint() {
        MemoryLogStorage s = TestCluster.storageWithLog(Membership.ofVoters(Set.of(1L, 2L)), 3, 1, 1, 2, 2, 2);
        RaftReplica r = RaftReplica.create(TestCluster.defaults(1), s);
        r.step(new Append(2, 1, 4, 5, 3, List.of(), 0));
        AppendResponse resp = (AppendResponse) r.ready().messagesAfterPersist().get(0);
        assertTrue(resp.reject());
        assertEquals(5, resp.index());
        assertEquals(5, resp.hintIndex(), "our last entry with a term <= 3");
        assertEquals(2, resp.hintTerm());
    }

    @Test
    void reportUnreachableMovesAReplicatingFollowerBackToProbe() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        c.node(1).reportUnreachable(2);
        assertEquals(
                FollowerProgress.State.PROBE, c.status(1).progress().get(2L).state());
        c.propose(1, "after");
        assertEquals(
                FollowerProgress.State.REPLICATE, c.status(1).progress().get(2L).state());
        assertEquals(List.of("after"), c.appliedData(2));
    }
}
