package dev.flotilla.transport.netty;

import java.util.ArrayList;
import java.util.List;

/**
 * Messages waiting for the next flush to one peer, bounded by count and by encoded bytes. When either bound would be
 * exceeded the new message is refused (the caller drops it): Raft retries, and old messages are no more precious
 * than new ones. Thread-safe; offers come from any sending thread, drains from flushing threads and event loops.
 */
final class OutboundQueue {
    private final int maxMessages;
    private final long maxBytes;
    private List<QueuedMessage> messages = new ArrayList<>();
    private long bytes;

    OutboundQueue(int maxMessages, long maxBytes) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    /** Adds the message unless that would exceed a bound; returns whether it was added. */
    synchronized boolean offer(QueuedMessage message) {
        if (messages.size() >= maxMessages || bytes + message.maxEncodedBytes() > maxBytes) {
            return false;
        }
        messages.add(message);
        bytes += message.maxEncodedBytes();
        return true;
    }

    /** Removes and returns everything queued, oldest first. */
    synchronized List<QueuedMessage> drain() {
        List<QueuedMessage> drained = messages;
        messages = new ArrayList<>(Math.min(drained.size(), maxMessages));
        bytes = 0;
        return drained;
    }
}
