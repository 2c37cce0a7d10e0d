package dev.flotilla.runtime;

import java.util.List;

/**
 * The application state of one Raft group on one node.
 *
 * <p><b>Threads.</b> Every method is called on the node's driver thread, one call at a time; none may block on
 * anything but local I/O.
 *
 * <p><b>Apply.</b> {@link #apply} receives the group's committed commands in log order, each exactly once per life of
 * the object. After a restart the runtime hands out again every committed command above {@link
 * #durableAppliedIndex()}, so a state machine that keeps nothing across restarts (returns 0) is correct, only slower to
 * recover. Commands must be deterministic: every replica applies the same commands and must reach the same state.
 *
 * <p><b>Durability and compaction.</b> {@link #durableAppliedIndex()} is the highest index whose effects survive a
 * crash of this node. The runtime never compacts the group's log beyond it, so a crash never leaves a gap between the
 * state machine and the log.
 *
 * <p><b>Snapshots (full copy).</b> A follower that needs entries the leader's log no longer holds gets the leader's
 * whole state instead: {@link #snapshot()} on the leader, {@link #restore} on the follower. The follower's log keeps
 * that copy with its snapshot marker until the state machine reports a durable index at or beyond it, so a restart in
 * between restores it again. The copy travels in one transport message, so this path suits state up to the
 * transport's frame limit; larger state needs the file-based snapshot transfer.
 */
public interface StateMachine extends AutoCloseable {
    /**
     * Applies committed commands, in order, and returns one result per command (given to the proposer, if it waits on
     * this node). {@code appliedIndex} is the log index the state machine has reached after this call: at least the
     * last command's index, more when the batch ended with entries that carry no command (a new leader's empty entry,
     * a membership change).
     */
    List<byte[]> apply(List<AppliedCommand> commands, long appliedIndex);

    /** Answers a read against the current applied state. Must not change the state. */
    byte[] query(byte[] query);

    /** The highest applied index that survives a crash; 0 if nothing does. */
    long durableAppliedIndex();

    /**
     * The whole applied state as self-contained bytes, taken right after an {@link #apply} (its {@code appliedIndex}
     * is the state's index). Must not change the state.
     */
    byte[] snapshot();

    /**
     * Replaces the whole state by {@code snapshot}, taken by {@link #snapshot()} on a replica of the same group whose
     * applied index was {@code appliedIndex}. Commands above that index follow through {@link #apply}.
     *
     * @throws IllegalArgumentException if the bytes are not such a snapshot; the state is then unchanged
     */
    void restore(byte[] snapshot, long appliedIndex);

    @Override
    default void close() {}

    /** A committed command: its log position and the bytes the proposer gave. */
    record AppliedCommand(long index, long term, byte[] data) {}
}
