package dev.flotilla.runtime.impl;

import dev.flotilla.raft.RaftConfig;
import dev.flotilla.raft.ReadOnlyMode;

/**
 * Decides when an idle group stops ticking. A quiet group sends no heartbeats and costs nothing per tick; any message
 * or request for it, or the loss of its leader's node, wakes it.
 *
 * <p>A group goes quiet once its replica is settled ({@link dev.flotilla.raft.RaftReplica#isSettled()}: a leader
 * whose members hold its whole log, all committed and applied; a follower that knows its leader and applied
 * everything), no request waits on it, and its leader's node is alive — a follower whose leader went silent must keep
 * ticking, or it would never elect a new one. It must stay so for a heartbeat interval and one more tick, so that the
 * heartbeat carrying the last commit index reaches the followers before the leader stops.
 *
 * <p>Only groups that confirm reads with ReadIndex go quiet: a lease is measured in ticks, and a leader that does not
 * tick would think its lease lasts forever.
 */
final class Quiescence {
    private final boolean enabled;
    private final int settleTicks;
    private final PeerLiveness liveness;

    Quiescence(RaftConfig raft, PeerLiveness liveness) {
        this.enabled = raft.readOnlyMode() == ReadOnlyMode.READ_INDEX;
        this.settleTicks = raft.heartbeatTicks() + 1;
        this.liveness = liveness;
    }

    /** Called at each tick of an awake group, before ticking it: true when it should stop ticking now. */
    boolean shouldQuiesce(HostedGroup group) {
        boolean idle = enabled
                && group.inFlight.isEmpty()
                && group.pendingRequests() == 0
                && group.replica.isSettled()
                && (!liveness.anySuspected()
                        || liveness.isAlive(group.replica.status().leader()));
        group.idleTicks = idle ? group.idleTicks + 1 : 0;
        return group.idleTicks > settleTicks;
    }
}
