package dev.flotilla.transport.netty;

import dev.flotilla.transport.GroupMessage;

/** A message waiting for the next flush, with an upper bound of its encoded size (for queue and frame limits). */
record QueuedMessage(GroupMessage message, long maxEncodedBytes) {
    static QueuedMessage of(GroupMessage message) {
        long bytes = MergedHeartbeats.isMerged(message.message())
                ? MergedHeartbeats.maxEncodedBytes(message.message())
                : MessageWriter.maxEncodedBytes(message.message());
        return new QueuedMessage(message, bytes);
    }
}
