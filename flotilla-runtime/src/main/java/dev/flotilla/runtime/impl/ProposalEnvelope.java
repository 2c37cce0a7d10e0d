package dev.flotilla.runtime.impl;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * How the runtime wraps a command in a log entry so the node that proposed it can recognise it when it commits:
 *
 * <pre>
 * byte  0      format version (1)
 * bytes 1..8   node id of the proposer
 * bytes 9..16  incarnation of the proposer: random per start, so a restarted node never mistakes an entry of its
 *              previous life for one of its own pending proposals
 * bytes 17..24 request id, unique within the incarnation
 * bytes 25..   the command
 * </pre>
 *
 * An entry with no data is a new leader's empty entry and carries no command.
 */
record ProposalEnvelope(long node, long incarnation, long requestId, byte[] command) {
    static final byte VERSION = 1;
    static final int HEADER_BYTES = 25;

    byte[] encode() {
        return ByteBuffer.allocate(HEADER_BYTES + command.length)
                .put(VERSION)
                .putLong(node)
                .putLong(incarnation)
                .putLong(requestId)
                .put(command)
                .array();
    }

    /** @throws IllegalStateException if the entry was not written by this runtime: the log is not ours or is corrupt */
    static ProposalEnvelope decode(byte[] data, long index) {
        if (data.length < HEADER_BYTES || data[0] != VERSION) {
            throw new IllegalStateException("entry " + index + " is not a proposal envelope (" + data.length
                    + " bytes, version " + (data.length == 0 ? "none" : data[0]) + ")");
        }
        ByteBuffer in = ByteBuffer.wrap(data);
        in.get();
        return new ProposalEnvelope(
                in.getLong(), in.getLong(), in.getLong(), Arrays.copyOfRange(data, HEADER_BYTES, data.length));
    }
}
