package dev.flotilla.raft.impl;

import dev.flotilla.raft.ConfChange;
import dev.flotilla.raft.ConfChange.Change;
import dev.flotilla.raft.ConfChange.Transition;
import dev.flotilla.raft.Membership;
import java.util.HashSet;
import java.util.Set;

/** Computes the membership that results from applying a {@link ConfChange}; pure, so every replica agrees. */
final class ConfChangeApplier {
    private ConfChangeApplier() {}

    /** @throws IllegalArgumentException if {@code change} cannot be applied to {@code current} */
    static Membership apply(Membership current, ConfChange change) {
        if (change.isLeaveJoint()) {
            if (!current.isJoint()) {
                throw new IllegalArgumentException("cannot leave a joint configuration: " + current + " is not joint");
            }
            Set<Long> learners = new HashSet<>(current.learners());
            learners.addAll(current.learnersNext());
            return new Membership(current.voters(), Set.of(), learners, Set.of(), false);
        }
        if (current.isJoint()) {
            throw new IllegalArgumentException("leave the joint configuration " + current + " before changing again");
        }
        Set<Long> voters = new HashSet<>(current.voters());
        Set<Long> learners = new HashSet<>(current.learners());
        for (Change c : change.changes()) {
            long id = c.nodeId();
            switch (c.type()) {
                case ADD_VOTER -> {
                    learners.remove(id);
                    voters.add(id);
                }
                case PROMOTE_LEARNER -> {
                    if (!learners.remove(id)) {
                        throw new IllegalArgumentException("node " + id + " is not a learner; cannot promote it");
                    }
                    voters.add(id);
                }
                case ADD_LEARNER -> {
                    voters.remove(id);
                    learners.add(id);
                }
                case REMOVE_NODE -> {
                    voters.remove(id);
                    learners.remove(id);
                }
            }
        }
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("the change " + change + " would leave no voters");
        }
        Set<Long> changedVoters = new HashSet<>(voters);
        changedVoters.addAll(current.voters());
        Set<Long> common = new HashSet<>(voters);
        common.retainAll(current.voters());
        changedVoters.removeAll(common);
        boolean simple = change.transition() == Transition.AUTO && changedVoters.size() <= 1;
        if (simple) {
            return new Membership(voters, Set.of(), learners, Set.of(), false);
        }
        // Joint: outgoing voters demoted to learners stay voters of the outgoing half until the joint state is left.
        Set<Long> learnersNext = new HashSet<>();
        for (long id : Set.copyOf(learners)) {
            if (current.voters().contains(id)) {
                learners.remove(id);
                learnersNext.add(id);
            }
        }
        return new Membership(
                voters,
                current.voters(),
                learners,
                learnersNext,
                change.transition() != Transition.JOINT_EXPLICIT_LEAVE);
    }
}
