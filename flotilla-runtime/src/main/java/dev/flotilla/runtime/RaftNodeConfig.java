package dev.flotilla.runtime;

import dev.flotilla.raft.RaftConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one node's runtime.
 *
 * @param raft the settings every group's replica starts from; its {@code nodeId} is this node's id, and each group
 *     gets its own random seed derived from it and the group id
 * @param tickInterval real time per Raft tick; election and heartbeat timeouts in {@code raft} count ticks
 * @param requestTimeout how long a proposal or read waits for its outcome before failing with {@code TIMEOUT}
 * @param maxPendingRequestsPerGroup requests waiting for an outcome in one group before new ones fail with {@code
 *     BACK_PRESSURE}
 * @param compactionThresholdEntries a group's log is compacted once this many of its entries are applied and durable
 *     in the state machine ({@link StateMachine#durableAppliedIndex()}); followers that then need them get a snapshot
 * @param driverThreads threads that drive the node's groups, each a fixed share of them (by group id). One suits two
 *     cores: the log's writer and the transport's I/O thread need the rest. Each thread pings the peers once per tick
 *     (see docs/runtime.md), so the messages between two nodes grow with this number, never with the group count.
 */
public record RaftNodeConfig(
        RaftConfig raft,
        Duration tickInterval,
        Duration requestTimeout,
        int maxPendingRequestsPerGroup,
        long compactionThresholdEntries,
        int driverThreads) {
    public RaftNodeConfig {
        Objects.requireNonNull(raft, "raft");
        if (tickInterval.isNegative() || tickInterval.isZero()) {
            throw new IllegalArgumentException("tickInterval must be positive, was " + tickInterval);
        }
        if (requestTimeout.compareTo(tickInterval) < 0) {
            throw new IllegalArgumentException(
                    "requestTimeout (" + requestTimeout + ") must be at least one tick (" + tickInterval + ")");
        }
        if (maxPendingRequestsPerGroup < 1) {
            throw new IllegalArgumentException(
                    "maxPendingRequestsPerGroup must be positive, was " + maxPendingRequestsPerGroup);
        }
        if (driverThreads < 1) {
            throw new IllegalArgumentException("driverThreads must be positive, was " + driverThreads);
        }
        if (compactionThresholdEntries < 1) {
            throw new IllegalArgumentException(
                    "compactionThresholdEntries must be positive, was " + compactionThresholdEntries);
        }
    }

    /** Settings with one driver thread. */
    public RaftNodeConfig(
            RaftConfig raft,
            Duration tickInterval,
            Duration requestTimeout,
            int maxPendingRequestsPerGroup,
            long compactionThresholdEntries) {
        this(raft, tickInterval, requestTimeout, maxPendingRequestsPerGroup, compactionThresholdEntries, 1);
    }

    /**
     * Defaults for node {@code nodeId}: 100 ms ticks, heartbeats every 2 ticks and elections after 10–20 ticks (a
     * leader is replaced 1–2 s after it fails), 10 s request timeout, 10,000 pending requests per group, compaction
     * every 10,000 durable entries (at 256 B an entry, about 2.5 MiB of log per group). Heartbeats
     * every 200 ms rather than every tick halve the cost of thousands of groups that are awake at once (after a node
     * restarts, say); idle groups send none at all.
     */
    public static RaftNodeConfig defaults(long nodeId) {
        return new RaftNodeConfig(
                RaftConfig.defaults(nodeId).withElectionTicks(10, 2),
                Duration.ofMillis(100),
                Duration.ofSeconds(10),
                10_000,
                10_000,
                1);
    }

    public long nodeId() {
        return raft.nodeId();
    }

    /** The request timeout in ticks, at least one. */
    public long requestTimeoutTicks() {
        return Math.max(1, requestTimeout.toNanos() / tickInterval.toNanos());
    }

    public RaftNodeConfig withTickInterval(Duration value) {
        return new RaftNodeConfig(
                raft, value, requestTimeout, maxPendingRequestsPerGroup, compactionThresholdEntries, driverThreads);
    }

    public RaftNodeConfig withRequestTimeout(Duration value) {
        return new RaftNodeConfig(
                raft, tickInterval, value, maxPendingRequestsPerGroup, compactionThresholdEntries, driverThreads);
    }

    public RaftNodeConfig withCompactionThresholdEntries(long value) {
        return new RaftNodeConfig(raft, tickInterval, requestTimeout, maxPendingRequestsPerGroup, value, driverThreads);
    }

    public RaftNodeConfig withDriverThreads(int value) {
        return new RaftNodeConfig(
                raft, tickInterval, requestTimeout, maxPendingRequestsPerGroup, compactionThresholdEntries, value);
    }
}
