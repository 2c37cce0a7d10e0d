package dev.flotilla.transport.netty;

/** The constants of docs/wire-protocol.md. The document is the source of truth; keep the two in step. */
final class WireFormat {
    static final int VERSION = 1;

    static final int LENGTH_PREFIX_BYTES = 4;
    /** Version byte and frame kind byte, counted by the length prefix. */
    static final int HEADER_BYTES = 2;

    static final int KIND_HELLO = 1;
    static final int KIND_REJECT = 2;
    static final int KIND_BATCH = 3;

    static final int HELLO_PAYLOAD_BYTES = 16;
    static final int REJECT_PAYLOAD_BYTES = 1;
    /** The largest frame a connection accepts before its handshake completes: a HELLO. */
    static final int MAX_HANDSHAKE_FRAME_BYTES = LENGTH_PREFIX_BYTES + HEADER_BYTES + HELLO_PAYLOAD_BYTES;

    /** Three section counts of a batch, each a varint of at most 5 bytes. */
    static final int MAX_BATCH_OVERHEAD_BYTES = LENGTH_PREFIX_BYTES + HEADER_BYTES + 3 * 5;

    static final int MESSAGE_APPEND = 1;
    static final int MESSAGE_APPEND_RESPONSE = 2;
    static final int MESSAGE_VOTE_REQUEST = 3;
    static final int MESSAGE_VOTE_RESPONSE = 4;
    static final int MESSAGE_INSTALL_SNAPSHOT = 5;
    static final int MESSAGE_TIMEOUT_NOW = 6;
    static final int MESSAGE_FORWARDED_PROPOSAL = 7;
    static final int MESSAGE_FORWARDED_READ_INDEX = 8;
    static final int MESSAGE_READ_INDEX_RESPONSE = 9;

    /** Merged heartbeat entry flags: which optional fields follow. */
    static final int HEARTBEAT_HAS_TICK = 1;

    static final int HEARTBEAT_HAS_CONTEXT = 2;

    static final int MAX_VARINT_BYTES = 10;
    static final int MAX_LENGTH_VARINT_BYTES = 5;

    /** Shared by every decoded empty byte array: a zero-length array cannot be modified. */
    static final byte[] NO_BYTES = new byte[0];

    private WireFormat() {}
}
