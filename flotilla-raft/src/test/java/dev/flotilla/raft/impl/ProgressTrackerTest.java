package dev.flotilla.raft.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.raft.Membership;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProgressTrackerTest {
    private static ProgressTracker tracker(Membership m) {
        ProgressTracker t = new ProgressTracker(m, 4, 1000);
        t.resetProgress(1);
        return t;
    }

    private static Membership joint(Set<Long> incoming, Set<Long> outgoing) {
        return new Membership(incoming, outgoing, Set.of(), Set.of(), true);
    }

    @Test
    void committedIndexIsWhatAMajorityHas() {
        ProgressTracker t = tracker(Membership.ofVoters(Set.of(1L, 2L, 3L, 4L, 5L)));
        long[] matches = {9, 7, 5, 3, 1};
        for (int i = 0; i < 5; i++) {
            t.progress(i + 1).maybeUpdate(matches[i]);
        }
        assertEquals(5, t.committedIndex());
    }

    @Test
    void evenSizedGroupsNeedMoreThanHalf() {
        ProgressTracker t = tracker(Membership.ofVoters(Set.of(1L, 2L, 3L, 4L)));
        t.progress(1).maybeUpdate(8);
        t.progress(2).maybeUpdate(6);
        t.progress(3).maybeUpdate(4);
        assertEquals(4, t.committedIndex());
    }

    @Test
    void jointCommitIsTheMinimumOfBothHalves() {
        ProgressTracker t = tracker(joint(Set.of(1L, 2L, 3L), Set.of(1L, 4L, 5L)));
        t.progress(1).maybeUpdate(10);
        t.progress(2).maybeUpdate(10);
        t.progress(4).maybeUpdate(3);
        assertEquals(3, t.committedIndex());
    }

    @Test
    void learnersDoNotCount() {
        ProgressTracker t = tracker(new Membership(Set.of(1L, 2L, 3L), Set.of(), Set.of(4L, 5L), Set.of(), false));
        t.progress(1).maybeUpdate(5);
        t.progress(4).maybeUpdate(5);
        t.progress(5).maybeUpdate(5);
        assertEquals(0, t.committedIndex());
        assertFalse(t.isVoter(4));
    }

    @Test
    void votesAreWonLostOrPendingPerHalf() {
        ProgressTracker t = tracker(joint(Set.of(1L, 2L, 3L), Set.of(3L, 4L, 5L)));
        t.recordVote(1, true);
        t.recordVote(2, true);
        assertEquals(ProgressTracker.VoteResult.PENDING, t.voteResult(), "the outgoing half has not decided");
        t.recordVote(3, true);
        t.recordVote(4, true);
        assertEquals(ProgressTracker.VoteResult.WON, t.voteResult());
        t.resetVotes();
        t.recordVote(4, false);
        t.recordVote(5, false);
        assertEquals(ProgressTracker.VoteResult.LOST, t.voteResult());
    }

    @Test
    void firstVoteOfANodeCounts() {
        ProgressTracker t = tracker(Membership.ofVoters(Set.of(1L, 2L, 3L)));
        t.recordVote(2, false);
        t.recordVote(2, true);
        t.recordVote(1, true);
        assertEquals(ProgressTracker.VoteResult.PENDING, t.voteResult());
    }

    @Test
    void quorumChecksBothHalves() {
        ProgressTracker t = tracker(joint(Set.of(1L, 2L, 3L), Set.of(4L, 5L, 6L)));
        assertFalse(t.hasQuorum(Set.of(1L, 2L)::contains));
        assertTrue(t.hasQuorum(Set.of(1L, 2L, 4L, 5L)::contains));
    }

    @Test
    void singleVoterIsRecognised() {
        assertTrue(tracker(Membership.ofVoters(Set.of(7L))).isSingleVoter(7));
        assertFalse(tracker(Membership.ofVoters(Set.of(7L, 8L))).isSingleVoter(7));
        assertFalse(tracker(joint(Set.of(7L), Set.of(8L))).isSingleVoter(7));
    }

    @Test
    void changingMembershipKeepsProgressOfStayingMembers() {
        ProgressTracker t = tracker(Membership.ofVoters(Set.of(1L, 2L, 3L)));
        t.progress(2).maybeUpdate(7);
        t.setMembership(Membership.ofVoters(Set.of(1L, 2L, 4L)), 20);
        assertEquals(7, t.progress(2).match);
        assertEquals(20, t.progress(4).next);
        assertEquals(null, t.progress(3));
    }
}
