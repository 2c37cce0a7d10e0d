package dev.flotilla.transport;

import java.util.List;

/**
 * Where a {@link Transport} delivers inbound messages. The runtime registers one when it starts the transport.
 *
 * <p>Threading: called on the transport I/O thread that serves the connection a batch arrived on. The batches of one
 * connection are delivered one at a time, in the order they were sent. Batches from different nodes (and, for a
 * moment after a peer reconnects, from its old and new connection) may be delivered concurrently when the transport
 * runs more than one I/O thread, so an implementation must be thread-safe. It <strong>must not block</strong>: every
 * connection served by the same I/O thread waits while it runs. Hand the batch to the runtime's own queue and
 * return.
 *
 * <p>If it throws, the exception is logged and the batch counts as delivered; the connection stays open.
 */
@FunctionalInterface
public interface MessageReceiver {
    /**
     * @param fromNode the authenticated sending node; every message has {@code from() == fromNode}
     * @param batch the messages of one frame, never empty, immutable, owned by the receiver from now on
     */
    void receive(long fromNode, List<GroupMessage> batch);
}
