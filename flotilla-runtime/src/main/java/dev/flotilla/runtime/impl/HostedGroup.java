package dev.flotilla.runtime.impl;

import dev.flotilla.raft.LogStorage;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.RaftReplica;
import dev.flotilla.raft.Ready;
import dev.flotilla.runtime.StateMachine;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;

/** One group hosted by a node, with the requests waiting on it. Touched only by the driver thread. */
final class HostedGroup {
    final long id;
    final RaftReplica replica;
    /** The group's log, as the replica reads it (one view, kept: a view caches its lookup in the log engine). */
    final LogStorage storage;

    final StateMachine stateMachine;
    /** Proposals of this node waiting to be applied, by request id. */
    final Map<Long, CompletableFuture<byte[]>> proposals = new HashMap<>();
    /** Linearizable reads waiting for the leader to confirm a read index, by request id. */
    final Map<Long, PendingRead> readsAwaitingIndex = new HashMap<>();
    /** Reads with a confirmed index, waiting for the state machine to reach it. */
    final PriorityQueue<PendingRead> readsAwaitingApply =
            new PriorityQueue<>((a, b) -> Long.compare(a.readIndex, b.readIndex));

    /** Membership changes proposed by this node, by request id, waiting for their entry to be applied. */
    final Map<Long, PendingChange> membershipChanges = new HashMap<>();

    /** The Ready handed out and not yet acknowledged; at most one per group. */
    Optional<Ready> inFlight = Optional.empty();
    /** Highest index applied to the state machine, and the term of its entry. */
    long applied;

    long appliedTerm;
    /** Index of the last committed membership change seen; the log is not compacted beyond it (GroupSnapshots). */
    long lastConfChangeIndex;
    /** Members sent a snapshot, by the tick it was sent at, until they answer. */
    final Map<Long, Long> snapshotsSentAt = new HashMap<>();
    /** A quiet group is not ticked; see {@link Quiescence}. */
    boolean quiet;
    /** Consecutive ticks the group has been idle. */
    int idleTicks;

    HostedGroup(long id, RaftReplica replica, LogStorage storage, StateMachine stateMachine, long applied) {
        this.id = id;
        this.replica = replica;
        this.storage = storage;
        this.stateMachine = stateMachine;
        this.applied = applied;
    }

    int pendingRequests() {
        return proposals.size() + readsAwaitingIndex.size() + readsAwaitingApply.size() + membershipChanges.size();
    }

    /** A membership change appended by this node as leader at {@code index} in {@code term}. */
    record PendingChange(long index, long term, CompletableFuture<Membership> future) {}

    static final class PendingRead {
        final long requestId;
        final byte[] query;
        final CompletableFuture<byte[]> future;
        long readIndex;

        PendingRead(long requestId, byte[] query, CompletableFuture<byte[]> future) {
            this.requestId = requestId;
            this.query = query;
            this.future = future;
        }
    }
}
