package dev.flotilla.transport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Configuration of a node's transport. Immutable; {@link #defaults} suits a small (2-core) machine.
 *
 * @param nodeId this node's id, positive
 * @param clusterId the cluster this node belongs to; peers with another cluster id are refused
 * @param listenAddress where to accept connections from peers (port 0 picks a free port)
 * @param ioThreads event-loop threads for all connections (default 1)
 * @param maxFrameBytes largest frame sent or accepted, length prefix included (default 16 MiB). A single message
 *     larger than this can never be sent: keep the core's {@code maxBytesPerMessage} well below it.
 * @param maxQueuedMessagesPerPeer messages queued for one peer before new ones are dropped (default 65,536)
 * @param maxQueuedBytesPerPeer encoded bytes queued for one peer before new messages are dropped (default 64 MiB)
 * @param reconnectBackoffMin wait before the first reconnect attempt; doubles per failure (default 50 ms)
 * @param reconnectBackoffMax longest wait between reconnect attempts (default 5 s)
 * @param connectTimeout TCP connect timeout (default 3 s)
 * @param handshakeTimeout time a new connection has to complete the TLS and protocol handshakes (default 5 s)
 * @param tls mutual TLS, or empty for plain TCP (default empty)
 */
public record TransportConfig(
        long nodeId,
        long clusterId,
        InetSocketAddress listenAddress,
        int ioThreads,
        int maxFrameBytes,
        int maxQueuedMessagesPerPeer,
        long maxQueuedBytesPerPeer,
        Duration reconnectBackoffMin,
        Duration reconnectBackoffMax,
        Duration connectTimeout,
        Duration handshakeTimeout,
        Optional<TlsConfig> tls) {

    /** Smallest accepted {@code maxFrameBytes}: room for a batch of a few small messages. */
    public static final int MIN_FRAME_BYTES = 1024;
    /** Largest accepted {@code maxFrameBytes}. */
    public static final int MAX_FRAME_BYTES = 1 << 30;

    public TransportConfig {
        Objects.requireNonNull(listenAddress, "listenAddress");
        Objects.requireNonNull(reconnectBackoffMin, "reconnectBackoffMin");
        Objects.requireNonNull(reconnectBackoffMax, "reconnectBackoffMax");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(tls, "tls");
        require(nodeId > 0, "nodeId must be positive, was " + nodeId);
        require(ioThreads >= 1, "ioThreads must be at least 1, was " + ioThreads);
        require(
                maxFrameBytes >= MIN_FRAME_BYTES && maxFrameBytes <= MAX_FRAME_BYTES,
                "maxFrameBytes must be between " + MIN_FRAME_BYTES + " and " + MAX_FRAME_BYTES + ", was "
                        + maxFrameBytes);
        require(
                maxQueuedMessagesPerPeer >= 1,
                "maxQueuedMessagesPerPeer must be at least 1, was " + maxQueuedMessagesPerPeer);
        require(
                maxQueuedBytesPerPeer >= maxFrameBytes,
                "maxQueuedBytesPerPeer (" + maxQueuedBytesPerPeer + ") must be at least maxFrameBytes (" + maxFrameBytes
                        + "), or the largest message could never be queued");
        require(isPositive(reconnectBackoffMin), "reconnectBackoffMin must be positive, was " + reconnectBackoffMin);
        require(
                reconnectBackoffMax.compareTo(reconnectBackoffMin) >= 0,
                "reconnectBackoffMax (" + reconnectBackoffMax + ") must be at least reconnectBackoffMin ("
                        + reconnectBackoffMin + ")");
        require(isPositive(connectTimeout), "connectTimeout must be positive, was " + connectTimeout);
        require(isPositive(handshakeTimeout), "handshakeTimeout must be positive, was " + handshakeTimeout);
    }

    /** Defaults for node {@code nodeId} of cluster {@code clusterId}, listening on {@code listenAddress}. */
    public static TransportConfig defaults(long nodeId, long clusterId, InetSocketAddress listenAddress) {
        return new TransportConfig(
                nodeId,
                clusterId,
                listenAddress,
                1,
                16 << 20,
                65_536,
                64L << 20,
                Duration.ofMillis(50),
                Duration.ofSeconds(5),
                Duration.ofSeconds(3),
                Duration.ofSeconds(5),
                Optional.empty());
    }

    public TransportConfig withTls(TlsConfig tlsConfig) {
        return new TransportConfig(
                nodeId,
                clusterId,
                listenAddress,
                ioThreads,
                maxFrameBytes,
                maxQueuedMessagesPerPeer,
                maxQueuedBytesPerPeer,
                reconnectBackoffMin,
                reconnectBackoffMax,
                connectTimeout,
                handshakeTimeout,
                Optional.of(tlsConfig));
    }

    public TransportConfig withIoThreads(int threads) {
        return new TransportConfig(
                nodeId,
                clusterId,
                listenAddress,
                threads,
                maxFrameBytes,
                maxQueuedMessagesPerPeer,
                maxQueuedBytesPerPeer,
                reconnectBackoffMin,
                reconnectBackoffMax,
                connectTimeout,
                handshakeTimeout,
                tls);
    }

    public TransportConfig withMaxQueuedMessagesPerPeer(int messages) {
        return new TransportConfig(
                nodeId,
                clusterId,
                listenAddress,
                ioThreads,
                maxFrameBytes,
                messages,
                maxQueuedBytesPerPeer,
                reconnectBackoffMin,
                reconnectBackoffMax,
                connectTimeout,
                handshakeTimeout,
                tls);
    }

    public TransportConfig withReconnectBackoff(Duration min, Duration max) {
        return new TransportConfig(
                nodeId,
                clusterId,
                listenAddress,
                ioThreads,
                maxFrameBytes,
                maxQueuedMessagesPerPeer,
                maxQueuedBytesPerPeer,
                min,
                max,
                connectTimeout,
                handshakeTimeout,
                tls);
    }

    private static boolean isPositive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
