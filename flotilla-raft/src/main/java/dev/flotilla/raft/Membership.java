package dev.flotilla.raft;

import java.util.Set;
import java.util.TreeSet;

/**
 * The configuration of a group: who votes and who only learns.
 *
 * <p>Outside a joint configuration {@code votersOutgoing} and {@code learnersNext} are empty. In a joint configuration
 * (joint consensus), decisions need a majority of {@code voters} <em>and</em> of {@code votersOutgoing};
 * {@code learnersNext} are outgoing voters that become learners when the joint configuration is left; {@code
 * autoLeave} says the leader leaves the joint configuration on its own once it is committed.
 *
 * <p>Node ids are positive. The sets are immutable and sorted, so equal memberships print and encode the same.
 */
public record Membership(
        Set<Long> voters, Set<Long> votersOutgoing, Set<Long> learners, Set<Long> learnersNext, boolean autoLeave) {
    public static final Membership EMPTY = new Membership(Set.of(), Set.of(), Set.of(), Set.of(), false);

    public Membership {
        voters = sortedCopy(voters);
        votersOutgoing = sortedCopy(votersOutgoing);
        learners = sortedCopy(learners);
        learnersNext = sortedCopy(learnersNext);
        for (long learner : learners) {
            if (voters.contains(learner) || votersOutgoing.contains(learner)) {
                throw new IllegalArgumentException("node " + learner + " is both a learner and a voter");
            }
        }
    }

    /** A simple (non-joint) configuration with the given voters and no learners. */
    public static Membership ofVoters(Set<Long> voters) {
        return new Membership(voters, Set.of(), Set.of(), Set.of(), false);
    }

    public boolean isJoint() {
        return !votersOutgoing.isEmpty();
    }

    /** Every node that receives the log: voters of both halves and learners. */
    public Set<Long> allMembers() {
        Set<Long> all = new TreeSet<>(voters);
        all.addAll(votersOutgoing);
        all.addAll(learners);
        all.addAll(learnersNext);
        // Sorted like the other sets: Set.copyOf's iteration order changes from one JVM run to the next.
        return java.util.Collections.unmodifiableSet(all);
    }

    private static Set<Long> sortedCopy(Set<Long> ids) {
        for (long id : ids) {
            if (id <= 0) {
                throw new IllegalArgumentException("node ids must be positive, got " + id);
            }
        }
        return java.util.Collections.unmodifiableSet(new TreeSet<>(ids));
    }
}
