package dev.flotilla.sim.cluster;

import dev.flotilla.log.LogEngine;
import dev.flotilla.log.LogEngineConfig;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.Role;
import dev.flotilla.raft.Status;
import dev.flotilla.runtime.RaftNodeConfig;
import dev.flotilla.runtime.impl.NodeLoop;
import dev.flotilla.transport.Transport;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One simulated node: the real {@link NodeLoop} and the real log engine on a {@link SimulatedDisk}, with a {@link
 * RegisterMachine} per group saved on a second simulated disk. The loop's driver is the event queue: log completions,
 * arriving messages and ticks are events, each followed by a cycle as on the production driver thread.
 *
 * <p>A crash stops the loop (its waiting requests fail with {@code SHUTDOWN}) and loses whatever the disks had not made
 * durable; a restart rebuilds the log engine, the state machines and the loop from the disks alone. A node whose log
 * recovery reports corruption (after a planted bit flip) stays down for the rest of the run, as a node with a failed
 * disk would until an operator replaces it.
 */
final class ClusterNode {
    enum State {
        UP,
        DOWN,
        /** Recovery found the planted bit flip and refused the log: the node is out for good. */
        DISK_LOST
    }

    private static final int MAX_SYNC_LATENCY_MS = 25;
    private static final long SAVE_EVERY_ENTRIES = 7;
    /** Planted bug 1: the share of the log disk's syncs that lie. */
    private static final double LYING_FSYNC_PROBABILITY = 0.3;

    private final long id;
    private final EventQueue clock;
    private final Random random;
    private final ClusterNetwork network;
    private final RaftNodeConfig config;
    private final LogEngineConfig logConfig;
    private final ClusterBug bug;
    private final Violations violations;
    private final long tickMs;
    private final SimulatedDisk wal;
    private final SimulatedDisk stateDisk;

    private State state = State.DOWN;
    private int incarnation;
    private Optional<NodeLoop> loop = Optional.empty();
    private Optional<Transport> transport = Optional.empty();
    private final Map<Long, RegisterMachine> machines = new HashMap<>();
    private boolean bitFlipped;

    ClusterNode(
            long id,
            EventQueue clock,
            Random random,
            ClusterNetwork network,
            RaftNodeConfig config,
            LogEngineConfig logConfig,
            ClusterBug bug,
            Violations violations,
            long tickMs) {
        this.id = id;
        this.clock = clock;
        this.random = random;
        this.network = network;
        this.config = config;
        this.logConfig = logConfig;
        this.bug = bug;
        this.violations = violations;
        this.tickMs = tickMs;
        double lying = bug == ClusterBug.LYING_FSYNC ? LYING_FSYNC_PROBABILITY : 0;
        this.wal = new SimulatedDisk("node " + id + " wal", clock, random, MAX_SYNC_LATENCY_MS, lying);
        this.stateDisk = new SimulatedDisk("node " + id + " state", clock, random, MAX_SYNC_LATENCY_MS, 0);
    }

    long id() {
        return id;
    }

    State state() {
        return state;
    }

    /** Recovers the log and the state machines from the disks and starts the loop and its ticks. */
    void start() {
        if (state != State.DOWN) {
            return;
        }
        wal.setFull(false); // a full disk stops a node's writes, not its restart
        LogEngine engine;
        try {
            engine = LogEngine.open(logConfig, wal, Runnable::run);
        } catch (IOException | RuntimeException e) {
            if (bitFlipped) {
                state = State.DISK_LOST;
                return;
            }
            violations.report("node " + id + ": log recovery failed after a crash: " + e);
            return;
        }
        bitFlipped = false;
        incarnation++;
        state = State.UP;
        machines.clear();
        Transport wire = network.transportOf(id);
        transport = Optional.of(wire);
        NodeLoop started = new NodeLoop(
                config,
                new DiskTimedLogEngine(engine, wal, bug == ClusterBug.ACK_BEFORE_FSYNC),
                wire,
                groupId ->
                        machines.computeIfAbsent(groupId, g -> new RegisterMachine(g, stateDisk, SAVE_EVERY_ENTRIES)),
                this::onDriver,
                random.nextLong());
        loop = Optional.of(started);
        wire.start((from, batch) -> run(l -> l.deliver(batch)));
        run(l -> l.openExistingGroups(group -> true));
        scheduleTick(incarnation);
    }

    private void scheduleTick(int forIncarnation) {
        clock.after(tickMs, "tick node " + id, () -> {
            if (state == State.UP && incarnation == forIncarnation) {
                run(NodeLoop::tick);
                scheduleTick(forIncarnation);
            }
        });
    }

    /** The loop's driver executor: a task handed back by the log becomes an event of this incarnation. */
    private void onDriver(Runnable task) {
        int forIncarnation = incarnation;
        clock.after(0, "node " + id + " driver", () -> {
            if (state == State.UP && incarnation == forIncarnation) {
                run(l -> task.run());
            }
        });
    }

    /** Runs one input on the loop, then a cycle, as the production driver thread does after a burst. */
    void run(Consumer<NodeLoop> input) {
        if (state != State.UP) {
            return;
        }
        NodeLoop l = loop.orElseThrow();
        try {
            input.accept(l);
            l.cycle();
        } catch (RuntimeException | Error e) {
            violations.report("node " + id + " threw " + e + where(e));
            crash(false, false);
        }
    }

    /** The innermost frames of {@code e}, enough to find the throwing code. */
    private static String where(Throwable e) {
        StringBuilder frames = new StringBuilder();
        StackTraceElement[] stack = e.getStackTrace();
        for (int i = 0; i < Math.min(8, stack.length); i++) {
            frames.append("\n    at ").append(stack[i]);
        }
        return frames.toString();
    }

    void createGroup(long groupId, Membership members) {
        run(l -> l.createGroup(groupId, members, new CompletableFuture<>()));
    }

    /**
     * Power loss: the loop stops, the disks keep only what landed.
     *
     * @param tear the first write that had not landed may survive in part
     * @param flipBit a bit of the durable log flips too, which recovery must detect
     * @return what the crash did to the disk, for the trace
     */
    String crash(boolean tear, boolean flipBit) {
        if (state != State.UP) {
            return "already down";
        }
        state = State.DOWN;
        loop.ifPresent(NodeLoop::stop);
        loop = Optional.empty();
        transport.ifPresent(Transport::close);
        transport = Optional.empty();
        wal.setFull(false);
        StringBuilder what = new StringBuilder();
        wal.crash(tear).ifPresent(t -> what.append("torn write ").append(t));
        stateDisk.crash(tear);
        if (flipBit) {
            wal.flipBit().ifPresent(f -> {
                bitFlipped = true;
                what.append(" bit flip ").append(f);
            });
        }
        return what.toString();
    }

    void setDiskFull(boolean full) {
        wal.setFull(full);
    }

    /** The node's view of group {@code groupId}, if it is up and hosts it. */
    Optional<Status> status(long groupId) {
        return loop.flatMap(l -> l.status(groupId));
    }

    boolean leads(long groupId) {
        return status(groupId).map(s -> s.role() == Role.LEADER).orElse(false);
    }

    Optional<NodeLoop> loop() {
        return loop;
    }

    /** The group's state machine on this node, if it is up and has opened it. */
    Optional<RegisterMachine> machine(long groupId) {
        return state == State.UP ? Optional.ofNullable(machines.get(groupId)) : Optional.empty();
    }
}
