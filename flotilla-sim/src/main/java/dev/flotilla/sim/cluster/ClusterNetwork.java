package dev.flotilla.sim.cluster;

import dev.flotilla.transport.GroupMessage;
import dev.flotilla.transport.MessageReceiver;
import dev.flotilla.transport.PeerStats;
import dev.flotilla.transport.Transport;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The simulated network between the nodes: every message is an event on the {@link EventQueue}. While the network is
 * rough, a message is dropped, duplicated, or delayed by a random time (which reorders it); partitions cut node pairs
 * both ways, and a message on a pair cut while it travels is lost. A calm network only delays, a little.
 */
final class ClusterNetwork {
    private static final int DROP_PERCENT = 3;
    private static final int DUPLICATE_PERCENT = 2;
    private static final int MAX_ROUGH_DELAY_MS = 20;
    private static final int MAX_CALM_DELAY_MS = 3;

    private final EventQueue clock;
    private final Random random;
    private final Map<Long, MessageReceiver> receivers = new HashMap<>();
    private final Set<Long> cutPairs = new HashSet<>();
    private boolean rough = true;

    ClusterNetwork(EventQueue clock, Random random) {
        this.clock = clock;
        this.random = random;
    }

    /** The transport of node {@code nodeId}: what its runtime sends goes on this network. */
    Transport transportOf(long nodeId) {
        return new Transport() {
            @Override
            public void start(MessageReceiver receiver) {
                receivers.put(nodeId, receiver);
            }

            @Override
            public void send(GroupMessage message) {
                ClusterNetwork.this.send(nodeId, message);
            }

            @Override
            public void flush() {}

            @Override
            public Map<Long, PeerStats> peerStats() {
                return Map.of();
            }

            @Override
            public void close() {
                receivers.remove(nodeId);
            }
        };
    }

    private void send(long from, GroupMessage message) {
        long to = message.message().to();
        if (isCut(from, to) || (rough && random.nextInt(100) < DROP_PERCENT)) {
            return;
        }
        travel(from, to, message);
        if (rough && random.nextInt(100) < DUPLICATE_PERCENT) {
            travel(from, to, message);
        }
    }

    private void travel(long from, long to, GroupMessage message) {
        int delay = 1 + random.nextInt(rough ? MAX_ROUGH_DELAY_MS : MAX_CALM_DELAY_MS);
        clock.after(
                delay,
                "deliver " + message.message().getClass().getSimpleName() + " " + from + "->" + to + " g"
                        + message.groupId(),
                () -> {
                    MessageReceiver receiver = receivers.get(to);
                    if (receiver == null || isCut(from, to)) {
                        return;
                    }
                    receiver.receive(from, List.of(message));
                });
    }

    /** Cuts every pair with one node in {@code side} and the other not. */
    void partition(Set<Long> side, Set<Long> all) {
        cutPairs.clear();
        for (long a : side) {
            for (long b : all) {
                if (!side.contains(b)) {
                    cutPairs.add(pairKey(a, b));
                }
            }
        }
    }

    void heal() {
        cutPairs.clear();
    }

    /** No more loss, duplicates, long delays or partitions. */
    void calm() {
        rough = false;
        heal();
    }

    private boolean isCut(long a, long b) {
        return cutPairs.contains(pairKey(a, b));
    }

    private static long pairKey(long a, long b) {
        return Math.min(a, b) * 1_000_003L + Math.max(a, b);
    }
}
