package dev.flotilla.runtime.impl;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Whether the other nodes are alive, from one ping per node pair per tick (whatever the number of groups). Quiet
 * followers stop counting election timeouts, so without this they would never notice that their leader's node died.
 */
final class PeerLiveness {
    /** The group id of liveness pings; no Raft group may use it. */
    static final long PING_GROUP = 0;

    private final long timeoutTicks;
    private final Map<Long, Long> lastHeard = new HashMap<>();
    private final Set<Long> suspected = new HashSet<>();

    PeerLiveness(long timeoutTicks) {
        this.timeoutTicks = timeoutTicks;
    }

    void heard(long node, long now) {
        lastHeard.put(node, now);
        suspected.remove(node);
    }

    /** Starts watching {@code node} as if just heard from (a new peer gets a full timeout). */
    void watch(long node, long now) {
        lastHeard.putIfAbsent(node, now);
    }

    /** False while {@code node} is suspected: silent for longer than the timeout. */
    boolean isAlive(long node) {
        return !suspected.contains(node);
    }

    boolean anySuspected() {
        return !suspected.isEmpty();
    }

    Set<Long> peers() {
        return lastHeard.keySet();
    }

    /** Nodes silent for longer than the timeout that were not suspected before: each is reported once. */
    Set<Long> newlySuspected(long now) {
        Set<Long> result = new HashSet<>();
        for (Map.Entry<Long, Long> e : lastHeard.entrySet()) {
            if (now - e.getValue() > timeoutTicks && suspected.add(e.getKey())) {
                result.add(e.getKey());
            }
        }
        return result;
    }
}
