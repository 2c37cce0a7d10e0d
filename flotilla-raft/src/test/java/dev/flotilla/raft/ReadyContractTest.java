package dev.flotilla.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.raft.Message.Append;
import dev.flotilla.raft.Message.AppendResponse;
import dev.flotilla.raft.Message.VoteRequest;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What each Ready hands out, and which of its messages must wait for persistence. */
class ReadyContractTest {
    private static final Membership THREE = Membership.ofVoters(Set.of(1L, 2L, 3L));

    @Test
    void voteRequestsWaitUntilTheNewTermAndVoteAreDurable() {
        RaftReplica r = RaftReplica.create(
                TestCluster.defaults(1).withElection(false, false, ReadOnlyMode.READ_INDEX),
                new MemoryLogStorage(THREE));
        r.campaign();
        Ready ready = r.ready();
        assertEquals(Optional.of(new HardState(1, 1, 0)), ready.hardState());
        assertTrue(ready.messages().isEmpty());
        assertEquals(2, ready.messagesAfterPersist().size());
        assertTrue(ready.messagesAfterPersist().stream().allMatch(m -> m instanceof VoteRequest));
        assertTrue(ready.mustPersist());
    }

    @Test
    void leaderAppendsMayLeaveBeforeItsOwnFsync() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        c.node(1).propose("x".getBytes());
        Ready ready = c.node(1).ready();
        assertEquals(1, ready.entries().size());
        assertEquals(2, ready.messages().size());
        assertTrue(ready.messages().stream().allMatch(m -> m instanceof Append));
        assertTrue(ready.messagesAfterPersist().isEmpty());
        c.node(1).advance(ready);
    }

    @Test
    void followerAcknowledgementsWaitForPersistence() {
        MemoryLogStorage s = new MemoryLogStorage(THREE);
        RaftReplica r = RaftReplica.create(TestCluster.defaults(1), s);
        r.step(new Append(2, 1, 1, 0, 0, List.of(Entry.normal(1, 1, new byte[] {1})), 0));
        Ready ready = r.ready();
        assertTrue(ready.messages().isEmpty());
        assertEquals(List.of(new AppendResponse(1, 2, 1, false, 1, 0, 0)), ready.messagesAfterPersist());
    }

    @Test
    void leaderCountsItselfTowardsCommitOnlyAfterAdvance() {
        MemoryLogStorage s = new MemoryLogStorage(Membership.ofVoters(Set.of(1L)));
        RaftReplica r = RaftReplica.create(TestCluster.defaults(1), s);
        r.campaign();
        Ready first = r.ready();
        assertEquals(Role.LEADER, first.softState().orElseThrow().role());
        assertEquals(1, first.entries().size());
        assertTrue(first.committedEntries().isEmpty(), "not durable yet, so not committed");
        s.persist(first);
        r.advance(first);
        Ready second = r.ready();
        assertEquals(1, second.committedEntries().size());
        assertEquals(1, second.hardState().orElseThrow().commit());
    }

    @Test
    void leaderMessagesWaitWhileItsTermIsNotYetDurable() {
        Membership m = new Membership(Set.of(1L), Set.of(), Set.of(2L), Set.of(), false);
        RaftReplica r = RaftReplica.create(TestCluster.defaults(1), new MemoryLogStorage(m));
        r.campaign();
        Ready ready = r.ready();
        assertTrue(ready.messages().isEmpty(), "a single voter leads at once, before its term is persisted");
        assertFalse(ready.messagesAfterPersist().isEmpty());
    }

    @Test
    void readyMustBeAdvancedBeforeTheNextOne() {
        RaftReplica r = RaftReplica.create(TestCluster.defaults(1), new MemoryLogStorage(THREE));
        r.campaign();
        Ready ready = r.ready();
        assertFalse(r.hasReady());
        assertThrows(IllegalStateException.class, r::ready);
        assertThrows(
                IllegalStateException.class,
                () -> r.advance(new Ready(
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of())));
        r.advance(ready);
    }

    @Test
    void softStateAndHardStateAppearOnlyWhenChanged() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        c.node(1).tick();
        Ready ready = c.node(1).ready();
        assertEquals(Optional.empty(), ready.softState());
        assertEquals(Optional.empty(), ready.hardState());
        c.node(1).advance(ready);
    }

    @Test
    void restartResumesTermVoteAndLogFromStorage() {
        TestCluster c = TestCluster.of(3, TestCluster::defaults);
        c.elect(1);
        c.propose(1, "a");
        HardState before = c.status(2).hardState();
        c.crash(2);
        c.restart(2);
        Status st = c.status(2);
        assertEquals(before.term(), st.hardState().term());
        assertEquals(before.vote(), st.hardState().vote());
        assertEquals(c.storages.get(2L).lastIndex(), st.lastIndex());
        assertEquals(Role.FOLLOWER, st.role());
        c.processReady(2);
        assertEquals(List.of("a"), c.appliedData(2), "committed entries are handed out again after a restart");
    }

    @Test
    void storageThatLostAcknowledgedEntriesIsRefusedAtStart() {
        MemoryLogStorage s = TestCluster.storageWithLog(THREE, 2, 1);
        s.setHardState(new HardState(2, 1, 5));
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> RaftReplica.create(TestCluster.defaults(1), s));
        assertTrue(e.getMessage().contains("lost acknowledged entries"), e.getMessage());
    }
}
