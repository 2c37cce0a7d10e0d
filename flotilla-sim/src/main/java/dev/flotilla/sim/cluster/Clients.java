package dev.flotilla.sim.cluster;

import dev.flotilla.runtime.ReadConsistency;
import dev.flotilla.runtime.RequestFailedException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * Simulated clients: per group a few processes, each with one operation in flight (a read, a write or a cas on one of
 * the group's keys), sent mostly to the node that believes it leads the group. Every operation goes into the {@link
 * History}; written values are unique, so a lost write shows as a read that cannot be explained.
 *
 * <p>Outcomes: a write or cas rejected before it was proposed ({@code NOT_LEADER}, {@code GROUP_NOT_FOUND}, {@code
 * BACK_PRESSURE}) did not happen: {@code fail}. A timeout or a crash of the node leaves it unknown: {@code info}. A cas
 * that found another value did not swap: {@code fail}. A read that fails is {@code fail}.
 */
final class Clients {
    private static final int KEYS_PER_GROUP = 3;
    private static final int MAX_THINK_MS = 30;

    private final EventQueue clock;
    private final Random random;
    private final List<ClusterNode> nodes;
    private final History history;
    private final boolean localReads;
    private final Map<Long, Long> firstProgressAfter = new HashMap<>();
    private long healedAt = Long.MAX_VALUE;
    private long nextProcess = 1;
    private long nextValue = 1;
    private boolean stopped;
    private int inFlight;

    /** @param localReads planted bug 2: reads go to any node and are answered from its local state */
    Clients(EventQueue clock, Random random, List<ClusterNode> nodes, History history, boolean localReads) {
        this.clock = clock;
        this.random = random;
        this.nodes = nodes;
        this.history = history;
        this.localReads = localReads;
    }

    /** Starts {@code perGroup} processes on group {@code groupId}. */
    void start(long groupId, int perGroup) {
        for (int i = 0; i < perGroup; i++) {
            long process = nextProcess++;
            clock.after(random.nextInt(MAX_THINK_MS), "client " + process + " starts", () -> next(process, groupId));
        }
    }

    /** From now on, an operation of a group that completes (invoked after now) counts as progress after healing. */
    void healed() {
        healedAt = clock.now();
    }

    /** The time the group first completed an operation invoked after healing, if it has. */
    Optional<Long> progressAfterHealing(long groupId) {
        return Optional.ofNullable(firstProgressAfter.get(groupId));
    }

    /** No new operations from now on. */
    void stop() {
        stopped = true;
    }

    int inFlight() {
        return inFlight;
    }

    /** A last linearizable read of every key of the group, retried until it succeeds, by a process of its own. */
    void readAllFinally(long groupId) {
        long process = nextProcess++;
        List<String> keys = new ArrayList<>();
        for (int k = 0; k < KEYS_PER_GROUP; k++) {
            keys.add(key(groupId, k));
        }
        finalRead(process, groupId, keys, 0);
    }

    private void finalRead(long process, long groupId, List<String> keys, int at) {
        if (at == keys.size()) {
            return;
        }
        String key = keys.get(at);
        read(
                process,
                groupId,
                key,
                leaderOf(groupId),
                ReadConsistency.LINEARIZABLE,
                ok -> clock.after(
                        ok ? 0 : 20,
                        "final read " + process,
                        () -> finalRead(process, groupId, keys, ok ? at + 1 : at)));
    }

    /** The request was never sent: its node was down. */
    private static final class NodeDown extends RuntimeException {
        NodeDown(ClusterNode node) {
            super("node " + node.id() + " is down", null, false, false);
        }
    }

    private static String key(long groupId, int k) {
        return "g" + groupId + "-k" + k;
    }

    private void next(long process, long groupId) {
        if (stopped) {
            return;
        }
        String key = key(groupId, random.nextInt(KEYS_PER_GROUP));
        int kind = random.nextInt(10);
        Runnable again =
                () -> clock.after(1 + random.nextInt(MAX_THINK_MS), "client " + process, () -> next(process, groupId));
        if (kind < 4) {
            ClusterNode target = localReads ? nodes.get(random.nextInt(nodes.size())) : leaderOf(groupId);
            ReadConsistency consistency = localReads ? ReadConsistency.STALE : ReadConsistency.LINEARIZABLE;
            read(process, groupId, key, target, consistency, ok -> again.run());
        } else {
            String value = String.valueOf(nextValue++);
            boolean cas = kind >= 8;
            String expected = cas
                    ? (random.nextBoolean()
                            ? RegisterMachine.ABSENT
                            : String.valueOf(1 + random.nextLong(nextValue - 1)))
                    : "";
            byte[] command = cas ? RegisterMachine.cas(key, expected, value) : RegisterMachine.write(key, value);
            String f = cas ? "cas" : "write";
            String shown = cas ? "[" + expected + "," + value + "]" : value;
            long invokedAt = clock.now();
            history.invoke(process, f, key, shown, invokedAt);
            inFlight++;
            CompletableFuture<byte[]> done = new CompletableFuture<>();
            done.whenComplete((result, error) -> {
                inFlight--;
                String outcome = outcomeOfUpdate(result, error);
                history.complete(process, outcome, f, key, shown, clock.now());
                if (outcome.equals("ok")) {
                    progressed(groupId, invokedAt);
                }
                again.run();
            });
            ClusterNode target = leaderOf(groupId);
            if (target.loop().isEmpty()) {
                done.completeExceptionally(new NodeDown(target));
            } else {
                target.run(l -> l.propose(groupId, command, done));
            }
        }
    }

    private void read(
            long process,
            long groupId,
            String key,
            ClusterNode target,
            ReadConsistency consistency,
            Consumer<Boolean> then) {
        long invokedAt = clock.now();
        history.invoke(process, "read", key, "null", invokedAt);
        inFlight++;
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        done.whenComplete((value, error) -> {
            inFlight--;
            if (error == null) {
                history.complete(process, "ok", "read", key, new String(value, StandardCharsets.UTF_8), clock.now());
                progressed(groupId, invokedAt);
            } else {
                history.complete(process, "fail", "read", key, "null", clock.now());
            }
            then.accept(error == null);
        });
        if (target.loop().isEmpty()) {
            done.completeExceptionally(new NodeDown(target));
            return;
        }
        target.run(l -> l.read(groupId, RegisterMachine.query(key), consistency, done));
    }

    private String outcomeOfUpdate(byte[] result, Throwable error) {
        if (error == null) {
            return new String(result, StandardCharsets.UTF_8).equals("0") ? "fail" : "ok";
        }
        Throwable cause = error instanceof CompletionException ? error.getCause() : error;
        if (cause instanceof NodeDown) {
            return "fail";
        }
        if (cause instanceof RequestFailedException rejected) {
            return switch (rejected.reason()) {
                case NOT_LEADER, GROUP_NOT_FOUND, BACK_PRESSURE -> "fail";
                default -> "info";
            };
        }
        return "info";
    }

    private void progressed(long groupId, long invokedAt) {
        if (invokedAt >= healedAt) {
            firstProgressAfter.putIfAbsent(groupId, clock.now());
        }
    }

    /** The up node that believes it leads the group; else any node (perhaps down: the request then fails). */
    private ClusterNode leaderOf(long groupId) {
        List<ClusterNode> up = new ArrayList<>();
        for (ClusterNode node : nodes) {
            if (node.leads(groupId) && random.nextInt(10) < 9) {
                return node;
            }
            if (node.state() == ClusterNode.State.UP) {
                up.add(node);
            }
        }
        List<ClusterNode> from = up.isEmpty() ? nodes : up;
        return from.get(random.nextInt(from.size()));
    }
}
