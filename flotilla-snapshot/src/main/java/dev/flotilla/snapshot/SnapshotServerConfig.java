package dev.flotilla.snapshot;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of a node's snapshot sender. Immutable; {@link #defaults} suits a small (2-core) machine.
 *
 * @param listenAddress where receivers connect (port 0 picks a free port)
 * @param ioThreads event-loop threads for all connections (default 1: sending is zero-copy, the kernel does the work)
 * @param maxConcurrentSends transfers served at once; a receiver beyond it gets BUSY and tries another source (default
 *     2). A transfer counts while it has at least one connection, whatever its number of streams.
 * @param nodeBytesPerSecond bandwidth of all sends together, {@code 0} for unlimited (default); adjustable at run time
 *     with {@link SnapshotServer#setNodeBytesPerSecond}
 * @param transferBytesPerSecond bandwidth of each transfer, {@code 0} for unlimited (default); a receiver may also
 *     limit its own transfer
 * @param lease how long a transfer keeps its snapshot pinned without hearing from the receiver (default 30 s)
 * @param outboundHighWaterBytes bytes queued on one connection above which the sender stops reading its requests, so a
 *     slow receiver cannot make the sender buffer without bound (default 8 MiB; file data is queued as file regions,
 *     not copied into memory)
 */
public record SnapshotServerConfig(
        InetSocketAddress listenAddress,
        int ioThreads,
        int maxConcurrentSends,
        long nodeBytesPerSecond,
        long transferBytesPerSecond,
        Duration lease,
        int outboundHighWaterBytes) {

    public SnapshotServerConfig {
        Objects.requireNonNull(listenAddress, "listenAddress");
        Objects.requireNonNull(lease, "lease");
        require(ioThreads >= 1, "ioThreads must be at least 1, was " + ioThreads);
        require(maxConcurrentSends >= 1, "maxConcurrentSends must be at least 1, was " + maxConcurrentSends);
        require(nodeBytesPerSecond >= 0, "nodeBytesPerSecond must be 0 (unlimited) or positive");
        require(transferBytesPerSecond >= 0, "transferBytesPerSecond must be 0 (unlimited) or positive");
        require(!lease.isNegative() && !lease.isZero(), "lease must be positive, was " + lease);
        require(outboundHighWaterBytes >= 64 << 10, "outboundHighWaterBytes must be at least 64 KiB");
    }

    public static SnapshotServerConfig defaults(InetSocketAddress listenAddress) {
        return new SnapshotServerConfig(listenAddress, 1, 2, 0, 0, Duration.ofSeconds(30), 8 << 20);
    }

    public SnapshotServerConfig withLease(Duration lease) {
        return new SnapshotServerConfig(
                listenAddress,
                ioThreads,
                maxConcurrentSends,
                nodeBytesPerSecond,
                transferBytesPerSecond,
                lease,
                outboundHighWaterBytes);
    }

    public SnapshotServerConfig withMaxConcurrentSends(int maxConcurrentSends) {
        return new SnapshotServerConfig(
                listenAddress,
                ioThreads,
                maxConcurrentSends,
                nodeBytesPerSecond,
                transferBytesPerSecond,
                lease,
                outboundHighWaterBytes);
    }

    public SnapshotServerConfig withBandwidth(long nodeBytesPerSecond, long transferBytesPerSecond) {
        return new SnapshotServerConfig(
                listenAddress,
                ioThreads,
                maxConcurrentSends,
                nodeBytesPerSecond,
                transferBytesPerSecond,
                lease,
                outboundHighWaterBytes);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
