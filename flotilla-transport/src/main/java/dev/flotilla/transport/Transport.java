package dev.flotilla.transport;

import java.util.Map;

/**
 * Carries the Raft messages of every group of this node to the other nodes, batched per destination node.
 *
 * <p>The runtime drives it in cycles: during a cycle it calls {@link #send} for every outgoing message of every
 * group, then calls {@link #flush} once. Each flush writes everything queued for a node as one frame (more only if
 * the frame size limit forces a split), so the per-message cost is paid per node pair and per cycle, not per group.
 * Inbound messages go to the {@link MessageReceiver} given to {@link #start}.
 *
 * <p>Delivery is best effort, which is all Raft needs: a message may be lost (queue full, peer down, connection
 * reset) but is never corrupted, duplicated or delivered to the wrong node. Messages from one node to another arrive
 * in the order they were sent, except that the heartbeats and heartbeat responses of a flush travel in merged
 * sections and are delivered after that flush's other messages, sorted by group id.
 *
 * <p>Implementations: {@code dev.flotilla.transport.netty.NettyTransport} (TCP) and the simulator's network.
 */
public interface Transport extends AutoCloseable {
    /**
     * Starts accepting connections and delivering inbound batches to {@code receiver}. Called once, before any other
     * method.
     *
     * @throws TransportException if the transport cannot start (for example, the listen address is in use)
     */
    void start(MessageReceiver receiver);

    /**
     * Queues a message for node {@code message.message().to()}. Never blocks and never waits for the network; may be
     * called from any thread. If the destination's queue is full, the peer is not a member, or the message alone
     * exceeds the frame size limit, the message is dropped and counted in {@link PeerStats#messagesDropped()}: Raft
     * retries whatever matters.
     *
     * @throws IllegalArgumentException if the message is not from this node or is addressed to this node
     */
    void send(GroupMessage message);

    /**
     * Writes everything queued so far, one frame per destination node. Never blocks; may be called from any thread.
     * Messages for a node without a ready connection stay queued (within the queue bounds) and are written as soon as
     * the connection is up.
     */
    void flush();

    /** A snapshot of the counters of every peer this node has exchanged messages with, by node id. */
    Map<Long, PeerStats> peerStats();

    /**
     * Closes every connection and stops the I/O threads. Queued messages are dropped; {@link #send} and {@link #flush}
     * do nothing from now on. Idempotent.
     */
    @Override
    void close();
}
