package dev.flotilla.sim.raft;

import dev.flotilla.raft.Message;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;

/**
 * A seeded, lossy network: each message is dropped, duplicated or delayed (which also reorders it) at random, and
 * partitions cut node pairs until healed. Time is the simulation's virtual time.
 */
final class SimNetwork {
    private record InFlight(long deliverAt, long seq, Message message) {}

    static final int MAX_DELAY = 30;

    private final Random random;
    private final PriorityQueue<InFlight> queue = new PriorityQueue<>(
            (a, b) -> a.deliverAt != b.deliverAt ? Long.compare(a.deliverAt, b.deliverAt) : Long.compare(a.seq, b.seq));
    private final Set<Long> cutPairs = new HashSet<>();
    private final List<Message> lost = new ArrayList<>();
    private long seq;
    private boolean lossy = true;
    private final List<Message.Append> oldAppends = new ArrayList<>();
    private final boolean keepAppends;

    SimNetwork(Random random, boolean keepAppends) {
        this.random = random;
        this.keepAppends = keepAppends;
    }

    void send(Message m, long now) {
        if (m instanceof Message.Append a && keepAppends && !a.entries().isEmpty()) {
            if (oldAppends.size() >= 64) {
                oldAppends.remove(random.nextInt(oldAppends.size()));
            }
            oldAppends.add(a);
        }
        if (isCut(m.from(), m.to()) || (lossy && random.nextInt(100) < 5)) {
            lost.add(m);
            return;
        }
        enqueue(m, now);
        if (lossy && random.nextInt(100) < 2) {
            enqueue(m, now);
        }
    }

    /** Puts a message on the wire as is: the planted network bug uses it to deliver what it forged. */
    void inject(Message m, long now) {
        enqueue(m, now);
    }

    private void enqueue(Message m, long now) {
        int delay = lossy ? 1 + random.nextInt(MAX_DELAY) : 1 + random.nextInt(5);
        queue.add(new InFlight(now + delay, seq++, m));
    }

    /** The next message due at or before {@code now}, if any. Messages on a pair cut meanwhile are lost. */
    Optional<Message> poll(long now) {
        while (!queue.isEmpty() && queue.peek().deliverAt <= now) {
            Message m = queue.poll().message;
            if (!isCut(m.from(), m.to())) {
                return Optional.of(m);
            }
            lost.add(m);
        }
        return Optional.empty();
    }

    /** Messages lost since the last call: the transport would report undelivered snapshots to their sender. */
    List<Message> drainLost() {
        List<Message> out = new ArrayList<>(lost);
        lost.clear();
        return out;
    }

    List<Message.Append> oldAppends() {
        return oldAppends;
    }

    void cut(long a, long b) {
        cutPairs.add(pairKey(a, b));
    }

    /** Splits the nodes into {@code side} and the rest. */
    void partition(Set<Long> side, Set<Long> all) {
        cutPairs.clear();
        for (long a : side) {
            for (long b : all) {
                if (!side.contains(b)) {
                    cut(a, b);
                }
            }
        }
    }

    void heal() {
        cutPairs.clear();
    }

    /** From now on: no loss, no duplicates, short delays (the liveness phase). */
    void calm() {
        lossy = false;
        heal();
    }

    private boolean isCut(long a, long b) {
        return cutPairs.contains(pairKey(a, b));
    }

    private static long pairKey(long a, long b) {
        return Math.min(a, b) * 1_000_003L + Math.max(a, b);
    }
}
