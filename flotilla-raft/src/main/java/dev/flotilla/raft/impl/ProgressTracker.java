package dev.flotilla.raft.impl;

import dev.flotilla.raft.Membership;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * The membership in force, the leader's {@link Progress} per member, and the votes of an election. Answers every
 * quorum question, for simple and joint configurations: in a joint one, both voter sets must agree.
 */
final class ProgressTracker {
    enum VoteResult {
        WON,
        LOST,
        PENDING
    }

    private final int maxInflightMessages;
    private final long maxInflightBytes;
    private Membership membership;
    /** Voters of both halves, in a hash set: asked on every tick, so cheaper than the membership's sorted sets. */
    private Set<Long> anyVoter;

    private final Map<Long, Progress> progress = new TreeMap<>();
    private final Map<Long, Boolean> votes = new HashMap<>();

    ProgressTracker(Membership membership, int maxInflightMessages, long maxInflightBytes) {
        this.membership = membership;
        this.anyVoter = votersOf(membership);
        this.maxInflightMessages = maxInflightMessages;
        this.maxInflightBytes = maxInflightBytes;
    }

    Membership membership() {
        return membership;
    }

    /** Switches to {@code next}, keeping the progress of members that stay; new members start probing at {@code next}. */
    void setMembership(Membership next, long nextIndex) {
        this.membership = next;
        this.anyVoter = votersOf(next);
        Set<Long> members = next.allMembers();
        progress.keySet().retainAll(members);
        for (long id : members) {
            progress.computeIfAbsent(id, k -> newProgress(nextIndex));
        }
    }

    /** Forgets all progress: every member starts probing at {@code nextIndex}. */
    void resetProgress(long nextIndex) {
        progress.clear();
        for (long id : membership.allMembers()) {
            progress.put(id, newProgress(nextIndex));
        }
    }

    private Progress newProgress(long nextIndex) {
        return new Progress(nextIndex, new Inflights(maxInflightMessages, maxInflightBytes));
    }

    Progress progress(long id) {
        return progress.get(id);
    }

    Map<Long, Progress> allProgress() {
        return progress;
    }

    boolean isVoter(long id) {
        return anyVoter.contains(id);
    }

    private static Set<Long> votersOf(Membership membership) {
        Set<Long> voters = new java.util.HashSet<>(membership.voters());
        voters.addAll(membership.votersOutgoing());
        return voters;
    }

    boolean isSingleVoter(long id) {
        return membership.voters().equals(Set.of(id))
                && (membership.votersOutgoing().isEmpty()
                        || membership.votersOutgoing().equals(Set.of(id)));
    }

    /** The highest index that a quorum of voters has durably (for each half of a joint configuration). */
    long committedIndex() {
        ToLongFunction<Long> match = id -> {
            Progress p = progress.get(id);
            return p == null ? 0 : p.match;
        };
        return Math.min(majorityIndex(membership.voters(), match), majorityIndex(membership.votersOutgoing(), match));
    }

    private static long majorityIndex(Collection<Long> voters, ToLongFunction<Long> value) {
        if (voters.isEmpty()) {
            // An empty half (outside joint consensus) never restricts the other.
            return Long.MAX_VALUE;
        }
        long[] values = voters.stream().mapToLong(value).toArray();
        Arrays.sort(values);
        // The value that a majority has reached: sorted ascending, the element at n - (n/2 + 1).
        return values[values.length - (values.length / 2 + 1)];
    }

    /** True if a quorum of voters satisfies {@code test}. */
    boolean hasQuorum(Predicate<Long> test) {
        return hasMajority(membership.voters(), test) && hasMajority(membership.votersOutgoing(), test);
    }

    private static boolean hasMajority(Set<Long> voters, Predicate<Long> test) {
        if (voters.isEmpty()) {
            return true;
        }
        long yes = voters.stream().filter(test).count();
        return yes > voters.size() / 2;
    }

    void resetVotes() {
        votes.clear();
    }

    void recordVote(long id, boolean granted) {
        votes.putIfAbsent(id, granted);
    }

    VoteResult voteResult() {
        VoteResult incoming = result(membership.voters());
        VoteResult outgoing = result(membership.votersOutgoing());
        if (incoming == VoteResult.LOST || outgoing == VoteResult.LOST) {
            return VoteResult.LOST;
        }
        if (incoming == VoteResult.WON && outgoing == VoteResult.WON) {
            return VoteResult.WON;
        }
        return VoteResult.PENDING;
    }

    private VoteResult result(Set<Long> voters) {
        if (voters.isEmpty()) {
            return VoteResult.WON;
        }
        int granted = 0;
        int missing = 0;
        for (long id : voters) {
            Boolean v = votes.get(id);
            if (v == null) {
                missing++;
            } else if (v) {
                granted++;
            }
        }
        int quorum = voters.size() / 2 + 1;
        if (granted >= quorum) {
            return VoteResult.WON;
        }
        return granted + missing >= quorum ? VoteResult.PENDING : VoteResult.LOST;
    }
}
