package dev.flotilla.transport;

/** State of this node's outbound connection to a peer. */
public enum ConnectionState {
    /** No connection and no attempt under way: nothing was ever sent to the peer, or it left the membership. */
    IDLE,
    /** Connecting: TCP connect, TLS handshake or protocol handshake under way. */
    CONNECTING,
    /** Handshake done; flushed messages are written to the peer. */
    CONNECTED,
    /** The last connection failed or closed; the next attempt waits for the reconnect back-off. */
    BACKING_OFF
}
