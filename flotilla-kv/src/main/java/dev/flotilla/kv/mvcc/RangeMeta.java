package dev.flotilla.kv.mvcc;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.flotilla.kv.command.RangeDescriptor;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The per-range record written in every applied batch: the Raft log index applied so far, the range's current
 * revision, the revision history was compacted to, and the range's {@link RangeDescriptor} (its span, the ranges split
 * off it). A new range starts at revision 1, as etcd does, so that the first write creates revision 2.
 *
 * <p>Encoding: the three numbers (8 bytes each, big-endian), then the encoded descriptor. A record of only the three
 * numbers (written before ranges could split) takes the descriptor its reader supplies.
 */
record RangeMeta(long appliedIndex, long revision, long compactRevision, RangeDescriptor descriptor) {
    private static final int NUMBERS_BYTES = 24;

    static RangeMeta initial(RangeDescriptor descriptor) {
        return new RangeMeta(0, 1, 0, descriptor);
    }

    RangeMeta withApplied(long index) {
        return new RangeMeta(index, revision, compactRevision, descriptor);
    }

    RangeMeta withRevision(long value) {
        return new RangeMeta(appliedIndex, value, compactRevision, descriptor);
    }

    RangeMeta withCompactRevision(long value) {
        return new RangeMeta(appliedIndex, revision, value, descriptor);
    }

    RangeMeta withDescriptor(RangeDescriptor value) {
        return new RangeMeta(appliedIndex, revision, compactRevision, value);
    }

    byte[] encode() {
        byte[] described = descriptor.toByteArray();
        return ByteBuffer.allocate(NUMBERS_BYTES + described.length)
                .putLong(appliedIndex)
                .putLong(revision)
                .putLong(compactRevision)
                .put(described)
                .array();
    }

    /** @param legacy the descriptor of a record that has none */
    static RangeMeta decode(byte[] bytes, RangeDescriptor legacy) {
        if (bytes.length < NUMBERS_BYTES) {
            throw new IllegalStateException("corrupt range meta of " + bytes.length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        RangeDescriptor descriptor = legacy;
        if (bytes.length > NUMBERS_BYTES) {
            try {
                descriptor = RangeDescriptor.parseFrom(Arrays.copyOfRange(bytes, NUMBERS_BYTES, bytes.length));
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("corrupt range descriptor in a range meta", e);
            }
        }
        return new RangeMeta(in.getLong(), in.getLong(), in.getLong(), descriptor);
    }
}
