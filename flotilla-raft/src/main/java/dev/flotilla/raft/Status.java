package dev.flotilla.raft;

import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of a replica's state for monitoring and tests.
 *
 * @param progress per member, as the leader sees it; empty unless this replica leads
 * @param transferTarget the node leadership is being transferred to, if a transfer is in progress
 */
public record Status(
        long nodeId,
        Role role,
        long leader,
        HardState hardState,
        long applied,
        long lastIndex,
        Membership membership,
        Map<Long, FollowerProgress> progress,
        Optional<Long> transferTarget) {
    /** How far the leader believes a member has got, and how it replicates to it. */
    public record FollowerProgress(long match, long next, State state, int inflightMessages, boolean recentlyActive) {
        public enum State {
            PROBE,
            REPLICATE,
            SNAPSHOT
        }
    }
}
