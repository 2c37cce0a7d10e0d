package dev.flotilla.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.raft.Message.VoteRequest;
import dev.flotilla.raft.Message.VoteResponse;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pre-vote and check-quorum. */
class ElectionTest {
    private static RaftConfig config(long id, boolean preVote, boolean checkQuorum) {
        return TestCluster.defaults(id).withElection(preVote, checkQuorum, ReadOnlyMode.READ_INDEX);
    }

    @Test
    void preVoteKeepsAPartitionedNodeFromRaisingItsTerm() {
        TestCluster c = TestCluster.of(3, id -> config(id, true, false));
        c.elect(1);
        long term = c.status(1).hardState().term();
        c.isolate(3);
        c.tickAll(50);
        assertEquals(term, c.status(3).hardState().term(), "pre-votes fail, so the term stays");
        assertEquals(Role.PRE_CANDIDATE, c.status(3).role());
        c.heal();
        c.tickAll(3);
        assertEquals(Role.LEADER, c.status(1).role(), "the rejoining node does not disrupt the leader");
        assertEquals(term, c.status(1).hardState().term());
        assertEquals(Role.FOLLOWER, c.status(3).role());
    }

    @Test
    void withoutPreVoteAPartitionedNodeDisruptsTheLeaderOnRejoining() {
        TestCluster c = TestCluster.of(3, id -> config(id, false, false));
        c.elect(1);
        long term = c.status(1).hardState().term();
        c.isolate(3);
        c.tickAll(50);
        assertTrue(c.status(3).hardState().term() > term + 1);
        c.heal();
        c.tickAll(1);
        assertTrue(c.status(1).hardState().term() > term, "the leader was forced into a higher term");
    }

    @Test
    void preVoteWinsAndThenRunsARealElection() {
        TestCluster c = TestCluster.of(3, id -> config(id, true, false));
        c.elect(2);
        assertEquals(1, c.status(2).hardState().term(), "the pre-vote round does not change the term");
        assertTrue(c.sentOfType(VoteRequest.class).stream().anyMatch(VoteRequest::preVote));
        assertTrue(c.sentOfType(VoteRequest.class).stream().anyMatch(v -> !v.preVote()));
    }

    @Test
    void preVoteIsGrantedWithoutChangingTheVotersTermOrVote() {
        MemoryLogStorage s = new MemoryLogStorage(Membership.ofVoters(Set.of(1L, 2L, 3L)));
        RaftReplica r = RaftReplica.create(config(1, true, false), s);
        r.step(new VoteRequest(2, 1, 5, 0, 0, true, false));
        Ready ready = r.ready();
        assertEquals(List.of(new VoteResponse(1, 2, 5, true, true)), ready.messagesAfterPersist());
        assertEquals(0, r.status().hardState().term());
        assertEquals(HardState.NO_VOTE, r.status().hardState().vote());
    }

    @Test
    void preVoteFromAStaleTermIsRejectedWithTheCurrentTerm() {
        MemoryLogStorage s = TestCluster.storageWithLog(Membership.ofVoters(Set.of(1L, 2L, 3L)), 7, 1);
        RaftReplica r = RaftReplica.create(config(1, true, false), s);
        r.step(new VoteRequest(2, 1, 3, 5, 1, true, false));
        assertEquals(List.of(new VoteResponse(1, 2, 7, true, false)), r.ready().messagesAfterPersist());
    }

    @Test
    void checkQuorumLeaderThatCannotHearAMajorityStepsDown() {
        TestCluster c = TestCluster.of(3, id -> config(id, true, true));
        c.elect(1);
        c.isolate(1);
        c.tickAll(c.configs.get(1L).electionTicks() * 2);
        assertEquals(Role.FOLLOWER, c.status(1).role());
    }

    @Test
    void withoutCheckQuorumAnIsolatedLeaderKeepsLeading() {
        TestCluster c = TestCluster.of(3, id -> config(id, true, false));
        c.elect(1);
        c.dropIf(m -> m.from() == 1 || m.to() == 1);
        for (int i = 0; i < 40; i++) {
            c.tick(1);
        }
        assertEquals(Role.LEADER, c.status(1).role());
    }

    @Test
    void checkQuorumLeaderWithALiveMajorityKeepsLeading() {
        TestCluster c = TestCluster.of(3, id -> config(id, true, true));
        c.elect(1);
        c.isolate(3);
        c.tickAll(50);
        assertEquals(Role.LEADER, c.status(1).role());
    }

    @Test
    void checkQuorumFollowerIgnoresDisruptiveVoteWhileItHearsALeader() {
        TestCluster c = TestCluster.of(3, id -> config(id, false, true));
        c.elect(1);
        long term = c.status(2).hardState().term();
        c.node(2).step(new VoteRequest(3, 2, term + 1, 100, term, false, false));
        c.processReady(2);
        assertEquals(term, c.status(2).hardState().term(), "the request's higher term is not adopted");
        assertEquals(Role.FOLLOWER, c.status(2).role());
        assertTrue(c.sentOfType(VoteResponse.class).stream().noneMatch(v -> v.from() == 2 && v.term() > term));
    }

    @Test
    void checkQuorumFollowerVotesOnceTheLeaderWentSilentForAnElectionTimeout() {
        TestCluster c = TestCluster.of(3, id -> config(id, false, true));
        c.elect(1);
        c.crash(1);
        long term = c.status(2).hardState().term();
        for (int i = 0; i < c.configs.get(2L).electionTicks(); i++) {
            c.node(2).tick();
        }
        c.processReady(2);
        c.node(2).step(new VoteRequest(3, 2, term + 1, 100, term, false, false));
        c.processReady(2);
        assertEquals(term + 1, c.status(2).hardState().term());
        assertEquals(3, c.status(2).hardState().vote());
    }

    @Test
    void restartedVoterHonoursAnUnknownLeaseForOneElectionTimeout() {
        TestCluster c = TestCluster.of(3, id -> config(id, false, true));
        c.elect(1);
        c.crash(2);
        c.restart(2);
        long term = c.status(2).hardState().term();
        c.node(2).step(new VoteRequest(3, 2, term + 1, 100, term, false, false));
        assertEquals(term, c.status(2).hardState().term(), "it may have heard the leader just before the crash");
    }

    @Test
    void staleLeaderLearnsTheNewTermFromAFollowersAnswer() {
        // With pre-vote and no check-quorum, nobody else would ever tell the deposed leader about the new term.
        TestCluster c = TestCluster.of(3, id -> config(id, true, false));
        c.elect(1);
        c.isolate(1);
        c.tickAll(40);
        long newLeader = c.status(2).role() == Role.LEADER ? 2 : 3;
        assertEquals(Role.LEADER, c.status(newLeader).role());
        assertEquals(Role.LEADER, c.status(1).role(), "node 1 hears nothing of the new term yet");
        c.heal();
        c.node(1).tick();
        c.stabilize();
        assertEquals(Role.FOLLOWER, c.status(1).role());
        assertEquals(
                c.status(newLeader).hardState().term(), c.status(1).hardState().term());
    }

    @Test
    void singleVoterElectsItselfAndCommitsAlone() {
        TestCluster c = TestCluster.of(1, TestCluster::defaults);
        c.elect(1);
        c.propose(1, "solo");
        assertEquals(List.of("solo"), c.appliedData(1));
    }

    @Test
    void candidateThatLosesTheVoteBecomesFollower() {
        TestCluster c = TestCluster.of(3, id -> config(id, false, false));
        c.elect(1);
        c.isolate(3);
        c.propose(1, "x");
        c.heal();
        c.node(3).campaign();
        c.stabilize();
        assertEquals(Role.FOLLOWER, c.status(3).role(), "both voters hold a longer log and refuse");
        assertTrue(c.sentOfType(VoteResponse.class).stream()
                .filter(v -> v.to() == 3)
                .noneMatch(VoteResponse::granted));
    }
}
