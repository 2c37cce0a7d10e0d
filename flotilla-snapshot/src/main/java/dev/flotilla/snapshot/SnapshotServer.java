package dev.flotilla.snapshot;

import dev.flotilla.snapshot.netty.NettySnapshotServer;
import java.net.InetSocketAddress;

/**
 * The sending side of a node: answers receivers that pull snapshots from a {@link SnapshotSource}. Each transfer pins
 * its snapshot until the receiver sends FINISH or goes silent for the configured lease. Chunks go out with zero copy
 * (the kernel moves file pages to the socket) and only as fast as the receiver reads them and the bandwidth limits
 * allow. Thread-safe.
 */
public interface SnapshotServer extends AutoCloseable {
    /** Starts listening; the returned server is ready to accept receivers. */
    static SnapshotServer start(SnapshotServerConfig config, SnapshotSource source) {
        return NettySnapshotServer.start(config, source);
    }

    /** The bound address (with the real port when the configured one was 0). */
    InetSocketAddress address();

    /** Changes the bandwidth of all sends together; {@code 0} removes the limit. Applies to the next chunks. */
    void setNodeBytesPerSecond(long bytesPerSecond);

    /** Chunk data bytes sent so far, re-sends included. */
    long bytesSent();

    /** Transfers that hold a pin right now (connected, or silent but within their lease). */
    int pinnedTransfers();

    /** Stops accepting, closes every connection and releases every pin; idempotent. */
    @Override
    void close();
}
