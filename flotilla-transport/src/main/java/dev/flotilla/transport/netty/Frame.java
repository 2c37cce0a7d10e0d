package dev.flotilla.transport.netty;

import dev.flotilla.transport.GroupMessage;
import java.util.List;

/** A decoded frame (docs/wire-protocol.md, "Frames"). Only valid frames exist as objects. */
sealed interface Frame {
    /** Opens a connection (from the dialing node) and accepts it (from the listening node). */
    record Hello(long clusterId, long nodeId) implements Frame {}

    /** The listening node refuses the connection and closes it. */
    record Reject(RejectReason reason) implements Frame {}

    /** Messages from the connection's authenticated node, with the frame's size on the wire. */
    record Batch(List<GroupMessage> messages, int frameBytes) implements Frame {}
}
