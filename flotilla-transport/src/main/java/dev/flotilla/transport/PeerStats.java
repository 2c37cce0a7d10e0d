package dev.flotilla.transport;

/**
 * Counters of the traffic between this node and one peer since the transport started. Monotonic except {@code
 * state}. "Sent" counts what was written to the peer's socket; "received" counts frames accepted from it.
 *
 * @param nodeId the peer
 * @param state state of the outbound connection to the peer
 * @param connectionsEstablished outbound connections that completed the handshake (1 + reconnects)
 * @param framesSent batch frames written to the peer
 * @param messagesSent messages in those frames
 * @param bytesSent bytes of those frames, framing included
 * @param messagesDropped messages to the peer that were never written: queue full, message over the frame limit,
 *     write failed, or the peer is not a member
 * @param framesReceived batch frames accepted from the peer
 * @param messagesReceived messages in those frames
 * @param bytesReceived bytes of those frames, framing included
 */
public record PeerStats(
        long nodeId,
        ConnectionState state,
        long connectionsEstablished,
        long framesSent,
        long messagesSent,
        long bytesSent,
        long messagesDropped,
        long framesReceived,
        long messagesReceived,
        long bytesReceived) {}
