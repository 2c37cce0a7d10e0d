package dev.flotilla.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.raft.Message.Append;
import dev.flotilla.raft.Message.AppendResponse;
import dev.flotilla.raft.Message.VoteRequest;
import dev.flotilla.raft.Message.VoteResponse;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rules of the Raft paper (Figures 2, 3 and 8), one test per rule. Pre-vote and check-quorum are off here. */
class RaftPaperTest {
    private static final Membership THREE = Membership.ofVoters(Set.of(1L, 2L, 3L));

    private static RaftConfig plain(long id) {
        return TestCluster.defaults(id).withElection(false, false, ReadOnlyMode.READ_INDEX);
    }

    private static RaftReplica follower(long id, MemoryLogStorage storage) {
        return RaftReplica.create(plain(id), storage);
    }

    private static Ready drain(RaftReplica r, MemoryLogStorage storage) {
        Ready ready = r.ready();
        storage.persist(ready);
        r.advance(ready);
        return ready;
    }

    // §5.1: all servers

    @Test
    void replicaAdoptsAHigherTermAndBecomesFollower() {
        TestCluster c = TestCluster.of(3, RaftPaperTest::plain);
        c.elect(1);
        c.node(1).step(new Append(2, 1, 9, 0, 0, List.of(), 0));
        assertEquals(9, c.status(1).hardState().term());
        assertEquals(Role.FOLLOWER, c.status(1).role());
        assertEquals(2, c.status(1).leader());
    }

    @Test
    void replicaRejectsAppendFromAStaleTerm() {
        MemoryLogStorage s = TestCluster.storageWithLog(THREE, 5, 1);
        RaftReplica r = follower(1, s);
        r.step(new Append(2, 1, 4, 1, 1, List.of(Entry.normal(2, 4, new byte[] {1})), 2));
        Ready ready = drain(r, s);
        assertEquals(1, s.lastIndex(), "stale leader's entries are not appended");
        AppendResponse resp = (AppendResponse) ready.messagesAfterPersist().get(0);
        assertEquals(5, resp.term(), "the stale leader learns the newer term");
    }

    // §5.2: leader election

    @Test
    void followerStartsElectionAfterRandomizedTimeoutWithinOneToTwoElectionTimeouts() {
        for (long seed = 0; seed < 20; seed++) {
            RaftConfig config = plain(1).withRandomSeed(seed);
            RaftReplica r = RaftReplica.create(config, new MemoryLogStorage(THREE));
            int ticks = 0;
            while (r.status().role() == Role.FOLLOWER) {
                r.tick();
                ticks++;
            }
            assertTrue(
                    ticks >= config.electionTicks() && ticks < 2 * config.electionTicks(),
                    "seed " + seed + " timed out after " + ticks);
            assertEquals(Role.CANDIDATE, r.status().role());
            assertEquals(1, r.status().hardState().term());
            assertEquals(1, r.status().hardState().vote(), "a candidate votes for itself");
        }
    }

    @Test
    void sameSeedGivesTheSameElectionTimeout() {
        int[] ticks = new int[2];
        for (int run = 0; run < 2; run++) {
            RaftReplica r = RaftReplica.create(plain(1).withRandomSeed(7), new MemoryLogStorage(THREE));
            while (r.status().role() == Role.FOLLOWER) {
                r.tick();
                ticks[run]++;
            }
        }
        assertEquals(ticks[0], ticks[1]);
    }

    @Test
    void candidateWinsWithVotesFromAMajority() {
        TestCluster c = TestCluster.of(5, RaftPaperTest::plain);
        c.dropIf(m -> m.to() == 4 || m.to() == 5);
        c.elect(1);
        assertEquals(Role.LEADER, c.status(1).role());
    }

    @Test
    void candidateWithoutAMajorityStaysCandidate() {
        TestCluster c = TestCluster.of(5, RaftPaperTest::plain);
        c.dropIf(m -> m.to() >= 3);
        c.node(1).campaign();
        c.stabilize();
        assertEquals(Role.CANDIDATE, c.status(1).role());
    }

    @Test
    void electionSafetyVoterGrantsAtMostOneVotePerTerm() {
        MemoryLogStorage s = new MemoryLogStorage(THREE);
        RaftReplica r = follower(1, s);
        r.step(new VoteRequest(2, 1, 1, 0, 0, false, false));
        r.step(new VoteRequest(3, 1, 1, 0, 0, false, false));
        List<Message> out = drain(r, s).messagesAfterPersist();
        assertEquals(List.of(new VoteResponse(1, 2, 1, false, true), new VoteResponse(1, 3, 1, false, false)), out);
        assertEquals(2, s.hardState().vote(), "the vote is persisted before the response is sent");
    }

    @Test
    void voterGrantsTheSameCandidateAgainInTheSameTerm() {
        MemoryLogStorage s = new MemoryLogStorage(THREE);
        RaftReplica r = follower(1, s);
        r.step(new VoteRequest(2, 1, 1, 0, 0, false, false));
        r.step(new VoteRequest(2, 1, 1, 0, 0, false, false));
        assertEquals(
                List.of(new VoteResponse(1, 2, 1, false, true), new VoteResponse(1, 2, 1, false, true)),
                drain(r, s).messagesAfterPersist());
    }

    @Test
    void candidateStepsDownWhenALeaderOfItsTermAppears() {
        TestCluster c = TestCluster.of(3, RaftPaperTest::plain);
        c.dropIf(m -> true);
        c.node(1).campaign();
        c.processAllReady();
        c.node(1).step(new Append(2, 1, 1, 0, 0, List.of(), 0));
        assertEquals(Role.FOLLOWER, c.status(1).role());
        assertEquals(2, c.status(1).leader());
    }

    // §5.3: log replication, log matching

    @Test
    void leaderReplicatesAndCommitsOnceAMajorityHasTheEntry() {
        TestCluster c = TestCluster.of(3, RaftPaperTest::plain);
        c.elect(1);
        c.dropIf(m -> m.to() == 3 || m.from() == 3);
        c.propose(1, "x");
        assertEquals(List.of("x"), c.appliedData(1));
        assertEquals(List.of("x"), c.appliedData(2), "the follower learns the commit index from the leader");
        assertEquals(List.of(), c.appliedData(3));
    }

    @Test
    void followerRejectsAppendWithMismatchedPrevTerm() {
        MemoryLogStorage s = TestCluster.storageWithLog(THREE, 2, 1, 1);
        RaftReplica r = follower(1, s);
        r.step(new Append(2, 1, 3, 2, 2, List.of(Entry.normal(3, 3, new byte[] {1})), 0));
        AppendResponse resp =
                (AppendResponse) drain(r, s).messagesAfterPersist().get(0);
        assertTrue(resp.reject());
        assertEquals(2, resp.index());
        assertEquals(2, s.lastIndex());
    }

    @Test
    void followerDeletesConflictingEntriesAndAppendsTheLeaders() {
        MemoryLogStorage s = TestCluster.storageWithLog(THREE, 2, 1, 2, 2);
        RaftReplica r = follower(1, s);
        r.step(new Append(2, 1, 3, 1, 1, List.of(Entry.normal(2, 3, new byte[] {9})), 2));
        Ready ready = drain(r, s);
        assertEquals(List.of(Entry.normal(2, 3, new byte[] {9})), ready.entries());
        assertEquals(2, s.lastIndex(), "the conflicting suffix is truncated");
        assertEquals(3, s.term(2));
        assertFalse(((AppendResponse) ready.messagesAfterPersist().get(0)).reject());
    }

    @Test
    void followerIgnoresAnAppendOfEntriesItAlreadyHas() {
        MemoryLogStorage s = TestCluster.storageWithLog(THREE, 2, 1, 2, 2);
        RaftReplica r = follower(1, s);
        r.step(new Append(2, 1, 2, 0, 0, List.of(s.entries(1, 2, Long.MAX_VALUE).get(0)), 1));
        Ready ready = drain(r, s);
        assertEquals(List.of(), ready.entries(), "a shorter, matching append truncates nothing");
        assertEquals(3, s.lastIndex());
    }

    @Test
    void logMatchingFollowerLogsEndUpIdenticalToTheLeaders() {
        Membership m = Membership.ofVoters(Set.of(1L, 2L, 3L));
        TestCluster c = new TestCluster();
        c.add(1, TestCluster.storageWithLog(m, 3, 1, 1, 3, 3), plain(1));
        c.add(2, TestCluster.storageWithLog(m, 2, 1, 2, 2, 2, 2, 2), plain(2));
        c.add(3, TestCluster.storageWithLog(m, 1, 1), plain(3));
        c.elect(1);
        c.propose(1, "z");
        for (long id = 2; id <= 3; id++) {
            assertEquals(c.storages.get(1L).lastIndex(), c.storages.get(id).lastIndex());
            assertEquals(
                    c.storages.get(1L).entries(1, 7, Long.MAX_VALUE),
                    c.storages.get(id).entries(1, 7, Long.MAX_VALUE),
                    "node " + id);
        }
    }

    // §5.4.1: election restriction

    @Test
    void voterRejectsCandidateWhoseLogIsLessUpToDate() {
        MemoryLogStorage s = TestCluster.storageWithLog(THREE, 2, 1, 2);
        RaftReplica r = follower(1, s);
        r.step(new VoteRequest(2, 1, 3, 5, 1, false, false));
        r.step(new VoteRequest(3, 1, 3, 1, 2, false, false));
        assertEquals(
                List.of(new VoteResponse(1, 2, 3, false, false), new VoteResponse(1, 3, 3, false, false)),
                drain(r, s).messagesAfterPersist(),
                "older last term loses whatever its length; same last term needs at least our length");
    }

    @Test
    void leaderCompletenessANewLeaderHoldsEveryCommittedEntry() {
        TestCluster c = TestCluster.of(3, RaftPaperTest::plain);
        c.elect(1);
        c.dropIf(m -> m.to() == 3 || m.from() == 3);
        c.propose(1, "committed");
        c.heal();
        c.crash(1);
        // Node 3 lacks the committed entry: it cannot win, node 2 can.
        c.node(3).campaign();
        c.stabilize();
        assertEquals(Role.CANDIDATE, c.status(3).role());
        c.node(2).campaign();
        c.stabilize();
        assertEquals(Role.LEADER, c.status(2).role());
        c.propose(2, "next");
        assertEquals(List.of("committed", "next"), c.appliedData(3));
    }

    // §5.3, §5.4.2: leader append-only and the commit rule of Figure 8

    @Test
    void leaderAppendOnlyNeverOverwritesItsOwnEntries() {
        TestCluster c = TestCluster.of(3, RaftPaperTest::plain);
        c.elect(1);
        c.propose(1, "a");
        long last = c.storages.get(1L).lastIndex();
        // A same-term append from a confused peer must not rewrite the leader's log.
        c.node(1)
                .step(new Append(
                        2, 1, c.status(1).hardState().term(), 0, 0, List.of(Entry.normal(1, 1, new byte[] {7})), 0));
        c.stabilize();
        assertEquals(last, c.storages.get(1L).lastIndex());
        assertEquals(Role.LEADER, c.status(1).role());
    }

    @Test
    void leaderCommitsEntriesOfEarlierTermsOnlyByCommittingOneOfItsOwn() {
        // Figure 8 (c): node 1 leads term 4 with 2@2 on a majority; counting replicas must not commit index 2 until
        // an entry of term 4 is on a majority too.
        TestCluster c = new TestCluster();
        Membership five = Membership.ofVoters(Set.of(1L, 2L, 3L, 4L, 5L));
        c.add(1, TestCluster.storageWithLog(five, 3, 1, 2), plain(1));
        c.add(2, TestCluster.storageWithLog(five, 3, 1, 2), plain(2));
        c.add(3, TestCluster.storageWithLog(five, 3, 1, 2), plain(3));
        c.add(4, TestCluster.storageWithLog(five, 3, 1, 3), plain(4));
        c.add(5, TestCluster.storageWithLog(five, 3, 1, 3), plain(5));
        c.dropIf(m -> m instanceof Append a && a.entries().stream().anyMatch(e -> e.term() == 4));
        c.node(1).campaign();
        c.stabilize();
        assertEquals(Role.LEADER, c.status(1).role());
        assertEquals(0, c.status(1).hardState().commit(), "2@2 is on 3 of 5 nodes yet not committed");
        c.heal();
        c.tickAll(2);
        assertEquals(3, c.status(1).hardState().commit(), "committing 3@4 commits 2@2 with it");
    }

    // §5.4.3: state machine safety

    @Test
    void stateMachineSafetyEveryNodeAppliesTheSameSequence() {
        TestCluster c = TestCluster.of(5, RaftPaperTest::plain);
        c.elect(1);
        c.propose(1, "a");
        c.crash(1);
        c.node(2).campaign();
        c.stabilize();
        c.propose(2, "b");
        c.restart(1);
        c.tickAll(3);
        c.propose(2, "c");
        for (long id = 1; id <= 5; id++) {
            assertEquals(List.of("a", "b", "c"), c.appliedData(id), "node " + id);
        }
    }
}
