package dev.flotilla.raft.impl;

import dev.flotilla.raft.Status.FollowerProgress;

/**
 * What a leader knows about one member's log, and how it replicates to it.
 *
 * <ul>
 *   <li>{@code PROBE}: the match is unknown; one append at a time until a response says where the logs agree.
 *   <li>{@code REPLICATE}: the match is known; appends are pipelined, bounded by {@link Inflights}.
 *   <li>{@code SNAPSHOT}: the member needs compacted entries; nothing is sent until the snapshot is reported.
 * </ul>
 */
final class Progress {
    enum State {
        PROBE,
        REPLICATE,
        SNAPSHOT
    }

    long match;
    long next;
    State state = State.PROBE;
    /** In PROBE, an append was sent and no response has come back yet. */
    boolean probeSent;
    /** In SNAPSHOT, the index of the snapshot being sent. */
    long pendingSnapshot;
    /** Heard from since the last check-quorum round. */
    boolean recentActive;
    /** The latest leader tick at which this member is known to have heard the leader (lease reads). */
    long ackedSentAtTick = Long.MIN_VALUE;
    /** The commit index the heartbeats to this member carry, and the tick of the first heartbeat that carried it. */
    long heartbeatCommit;

    long heartbeatCommitSince;
    /** The highest commit index this member acknowledged receiving (and so persisted) in a heartbeat. */
    long commitAcked;

    final Inflights inflights;

    Progress(long next, Inflights inflights) {
        this.next = next;
        this.inflights = inflights;
    }

    void becomeProbe() {
        // Leaving SNAPSHOT, the member holds at least the snapshot: probing starts after it.
        long from = state == State.SNAPSHOT ? Math.max(match + 1, pendingSnapshot + 1) : match + 1;
        reset(State.PROBE);
        next = from;
    }

    void becomeReplicate() {
        reset(State.REPLICATE);
        next = match + 1;
    }

    void becomeSnapshot(long snapshotIndex) {
        reset(State.SNAPSHOT);
        pendingSnapshot = snapshotIndex;
    }

    private void reset(State newState) {
        state = newState;
        probeSent = false;
        pendingSnapshot = 0;
        inflights.clear();
    }

    /** An append up to {@code index} was acknowledged; returns true if that is news. */
    boolean maybeUpdate(long index) {
        boolean updated = false;
        if (index > match) {
            match = index;
            updated = true;
            probeSent = false;
        }
        next = Math.max(next, index + 1);
        return updated;
    }

    /**
     * The member rejected an append whose previous index was {@code rejected}; {@code hint} is the highest index that
     * might still match. Returns false if the rejection is stale (answers an older append).
     */
    boolean maybeDecreaseTo(long rejected, long hint) {
        if (state == State.REPLICATE) {
            if (rejected <= match) {
                return false;
            }
            next = match + 1;
            return true;
        }
        if (next - 1 != rejected) {
            return false;
        }
        next = Math.max(Math.min(rejected, hint + 1), match + 1);
        probeSent = false;
        return true;
    }

    /** The leader sent an append ending at {@code lastIndex} with {@code bytes} of payload. */
    void sentEntries(long lastIndex, long bytes, int count) {
        if (state == State.REPLICATE) {
            if (count > 0) {
                next = lastIndex + 1;
                inflights.add(lastIndex, bytes);
            }
        } else if (state == State.PROBE) {
            probeSent = true;
        }
    }

    boolean isPaused() {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflights.isFull();
            case SNAPSHOT -> true;
        };
    }

    FollowerProgress view() {
        return new FollowerProgress(
                match, next, FollowerProgress.State.valueOf(state.name()), inflights.count(), recentActive);
    }
}
