package dev.flotilla.transport;

import dev.flotilla.raft.Message;
import java.util.Objects;

/**
 * A Raft message of one group, as it travels between nodes. Replica ids are node ids, so {@code message.from()} is
 * the sending node and {@code message.to()} the receiving node.
 *
 * @param groupId the Raft group the message belongs to (any value; the transport does not interpret it)
 */
public record GroupMessage(long groupId, Message message) {
    public GroupMessage {
        Objects.requireNonNull(message, "message");
    }
}
