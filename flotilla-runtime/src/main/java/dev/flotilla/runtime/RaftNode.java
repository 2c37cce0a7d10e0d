package dev.flotilla.runtime;

import dev.flotilla.log.LogEngine;
import dev.flotilla.raft.ConfChange;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.Status;
import dev.flotilla.runtime.impl.ThreadedRaftNode;
import dev.flotilla.transport.Transport;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;

/**
 * One node of a Flotilla cluster: hosts any number of Raft groups, all driven by one driver thread, all persisting
 * into one shared {@link LogEngine}, all talking over one {@link Transport}.
 *
 * <p><b>Durability order</b> (docs/ordering.md): in every cycle the node collects the work of every group, writes all
 * of it to the log as one batch, and only after that batch is durable sends the messages that depend on it (votes,
 * append acknowledgements), applies newly committed commands and acknowledges the work to the groups. A leader's
 * appends to followers go out at once, in parallel with its own write.
 *
 * <p><b>Threads.</b> Every method may be called from any thread and never blocks; outcomes arrive through futures,
 * which complete on the driver thread (so dependent actions must not block: use the {@code *Async} variants for real
 * work).
 *
 * <p><b>Errors.</b> Futures fail with {@link RequestFailedException}, whose reason says what to do.
 */
public interface RaftNode extends AutoCloseable {
    /**
     * Starts a node: opens every group the log holds (restart) before returning, then serves. {@code stateMachines} makes the state
     * machine of a group when the group is opened or created. The node takes ownership of the log and the transport
     * and closes them on {@link #close()}.
     */
    static RaftNode start(
            RaftNodeConfig config, LogEngine log, Transport transport, LongFunction<StateMachine> stateMachines) {
        return ThreadedRaftNode.start(config, log, transport, stateMachines, Optional.empty());
    }

    /**
     * Starts a node with file snapshots (docs/runtime.md, "File snapshots"): groups whose state machine is a {@link
     * FileSnapshotStateMachine} send and install snapshots as files through the node's snapshot server, which listens
     * once this returns. Other groups keep the full-copy path.
     */
    static RaftNode start(
            RaftNodeConfig config,
            LogEngine log,
            Transport transport,
            LongFunction<StateMachine> stateMachines,
            FileSnapshotConfig fileSnapshots) {
        return ThreadedRaftNode.start(config, log, transport, stateMachines, Optional.of(fileSnapshots));
    }

    /**
     * Hosts a group on this node. A group the log already holds is opened as it was; a new one starts with {@code
     * initialMembers}, which must be the same on every node of the first configuration (later members join through a
     * membership change). Completes once the group is durable and running.
     */
    CompletableFuture<Void> createGroup(long groupId, Membership initialMembers);

    /**
     * Hosts a group whose log starts compacted at {@code initialIndex}: a snapshot marker without data at that index
     * (term 1, {@code initialMembers}), and nothing before it. This is how a range split off another one starts (its
     * data came from the other range's log, not from its own): the group's state machine on this node must already
     * report {@code durableAppliedIndex() >= initialIndex} when the group opens, and every node that calls this must
     * pass the same arguments. A member that lacks that state must instead {@link #joinGroup join} with an empty log;
     * the leader then has no entries to send it and sends it a snapshot of its state. A group the log already holds is
     * opened as it was. Completes once the group is durable and running.
     *
     * @throws IllegalArgumentException (through the future) if {@code initialIndex} is below 1
     */
    CompletableFuture<Void> createGroup(long groupId, Membership initialMembers, long initialIndex);

    /**
     * Hosts a group this node is about to be added to (as a learner, by {@link #changeMembership} on the leader). It
     * starts with an empty log and learns the group's whole history, membership included, from the leader.
     */
    CompletableFuture<Void> joinGroup(long groupId);

    /**
     * Changes the membership of a group; must be called on its leader ({@code NOT_LEADER} with a hint otherwise).
     * Completes with the new membership once the change is committed and applied on this node. Add a node as a
     * learner first, let it catch up, then promote it.
     */
    CompletableFuture<Membership> changeMembership(long groupId, ConfChange change);

    /**
     * Proposes a command to a group. Completes with the state machine's result once the command is committed and
     * applied on this node. A follower forwards the proposal to the leader.
     */
    CompletableFuture<byte[]> propose(long groupId, byte[] command);

    /**
     * Completes once this node's state machine of the group has applied every write acknowledged before the call (the
     * leader confirmed its leadership, then this node caught up). A caller that then reads the state machine's own
     * storage from its own thread reads linearizably. This is how a server with a thread-safe store (RocksDB) keeps
     * long reads off the driver thread.
     */
    CompletableFuture<Void> awaitLinearizable(long groupId);

    /** Runs a query against the group's state machine on this node, as fresh as {@code consistency} demands. */
    CompletableFuture<byte[]> read(long groupId, byte[] query, ReadConsistency consistency);

    /** Asks the leader of the group, if it is this node, to hand leadership to {@code target}. */
    CompletableFuture<Void> transferLeadership(long groupId, long target);

    /** The group's state as this node sees it, if the node hosts it. */
    CompletableFuture<Optional<Status>> status(long groupId);

    /** Snapshot bytes sent and received over the file-snapshot path since the node started; safe from any thread. */
    SnapshotTraffic snapshotTraffic();

    /** Ids of the groups this node hosts: a live, unmodifiable view, safe to read from any thread. */
    Set<Long> groups();

    /** Stops the driver, fails every waiting request with {@code SHUTDOWN}, closes the transport and the log. */
    @Override
    void close();
}
