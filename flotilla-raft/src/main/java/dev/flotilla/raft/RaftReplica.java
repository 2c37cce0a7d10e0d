package dev.flotilla.raft;

import dev.flotilla.raft.impl.RaftCore;

/**
 * One node's replica of one Raft group: a pure, deterministic state machine. No threads, no I/O, no clock; the same
 * inputs (and {@link RaftConfig#randomSeed()}) always give the same outputs.
 *
 * <p><b>Threads.</b> Not thread-safe: one thread at a time drives a replica (the runtime may move it between threads
 * with a happens-before edge).
 *
 * <p><b>Inputs</b> change state and queue work; <b>outputs</b> hand the work out as a {@link Ready}, whose Javadoc is
 * the persistence contract. Between {@link #ready()} and {@link #advance(Ready)} the caller may keep calling inputs;
 * their effects show up in the next Ready.
 *
 * <p><b>Restart.</b> Create a replica from the same {@link LogStorage}: it resumes from the stored hard state, snapshot
 * and log, as a follower. Membership is the snapshot's; configuration changes committed after it are handed out again
 * for apply and take effect as they are acknowledged, exactly as the first time.
 *
 * <p><b>Compaction.</b> The caller compacts the storage itself (the core never writes it), up to an index that its state
 * machine has made durable and that was applied; the core notices through {@link LogStorage#firstIndex()} and sends
 * {@link LogStorage#snapshot()} to followers that need compacted entries.
 *
 * <p><b>Errors.</b> Refused requests throw {@link ProposalRejectedException} and leave no trace. {@link
 * IllegalStateException} means the storage or the caller broke a contract (for example a stored commit index beyond
 * the stored log); the replica must not be used afterwards.
 */
public interface RaftReplica {
    /** A replica resuming from {@code storage} (a new group: an empty log whose snapshot holds the initial members). */
    static RaftReplica create(RaftConfig config, LogStorage storage) {
        return new RaftCore(config, storage);
    }

    /** Advances the logical clock by one tick: drives election timeouts, heartbeats, check-quorum and leases. */
    void tick();

    /** Handles a message from another replica of the group. Stale or unexpected messages are ignored. */
    void step(Message message);

    /**
     * Proposes a state machine command. On the leader it is appended; on a follower it is forwarded to the leader
     * (unless forwarding is off). Either way acceptance is not a promise: the entry may still be lost if leadership
     * changes, and a forwarded proposal that the leader refuses is dropped there. Callers learn the outcome when (and
     * if) the entry is handed out for apply.
     *
     * @throws ProposalRejectedException with {@code NO_LEADER}, {@code TRANSFER_IN_PROGRESS} or {@code
     *     UNCOMMITTED_BYTES_LIMIT}
     */
    void propose(byte[] data);

    /**
     * Proposes a membership change, like {@link #propose(byte[])}. The leader accepts one change at a time: the
     * previous one must be applied first.
     *
     * @throws ProposalRejectedException also with {@code CONF_CHANGE_NOT_ALLOWED}
     */
    void proposeConfChange(ConfChange change);

    /**
     * Asks for a linearizable read. When it is safe, a {@link ReadState} with the same {@code context} appears in a
     * Ready; serve the read once that index is applied. Reads are dropped, not failed, if leadership is lost meanwhile:
     * callers retry on a timeout.
     *
     * @throws ProposalRejectedException with {@code NO_LEADER} when no leader is known or forwarding is off
     */
    void readIndex(byte[] context);

    /**
     * Hands leadership to voter {@code target}: the leader stops accepting proposals, brings the target up to date,
     * then tells it to start an election. The transfer is abandoned after {@code electionTicks} ticks.
     *
     * @throws ProposalRejectedException with {@code NO_LEADER} if this replica is not the leader, or {@code
     *     INVALID_TRANSFER_TARGET}
     */
    void transferLeadership(long target);

    /**
     * Tells a follower that the caller knows, by means outside this group, that its leader is alive (for example the
     * leader's node answers liveness pings while the group is quiet and not ticking): the election timeout starts over,
     * as if a heartbeat had arrived. Ignored unless this replica follows a known leader. Calling it when the leader
     * might be dead only delays a new election; it never affects safety.
     */
    void confirmLeaderAlive();

    /** Starts an election now (with a pre-vote if configured). Ignored unless this replica is a voter. */
    void campaign();

    /** The transport could not deliver to {@code node}: a leader stops pipelining to it and probes instead. */
    void reportUnreachable(long node);

    /** The snapshot sent to {@code node} was installed ({@code success}) or failed; a leader resumes replication. */
    void reportSnapshot(long node, boolean success);

    /** True if {@link #ready()} has something to hand out. */
    boolean hasReady();

    /**
     * The pending work, as one batch.
     *
     * @throws IllegalStateException if the previous Ready was not yet acknowledged
     */
    Ready ready();

    /** Acknowledges that {@code ready} was carried out as its contract says. */
    void advance(Ready ready);

    /** The leader this replica follows (itself if it leads), or {@link RaftConfig#NO_NODE}. Cheap, unlike status(). */
    long leader();

    /**
     * True when the replica waits for nothing and has nothing to hand out: a leader whose every member holds its whole
     * log, all of it committed and applied here, with no transfer or read under way; or a follower that knows its
     * leader and has applied its whole log. Cheap (no allocation): a runtime asks it of every group to let idle groups
     * stop ticking.
     */
    boolean isSettled();

    Status status();
}
