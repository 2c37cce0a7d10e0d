package dev.flotilla.kv.mvcc;

import java.nio.ByteBuffer;

/**
 * The per-range record written in every applied batch: the Raft log index applied so far, the range's current
 * revision, and the revision history was compacted to. A new range starts at revision 1, as etcd does, so that the
 * first write creates revision 2.
 */
record RangeMeta(long appliedIndex, long revision, long compactRevision) {
    static final RangeMeta INITIAL = new RangeMeta(0, 1, 0);

    RangeMeta withApplied(long index) {
        return new RangeMeta(index, revision, compactRevision);
    }

    RangeMeta withRevision(long value) {
        return new RangeMeta(appliedIndex, value, compactRevision);
    }

    RangeMeta withCompactRevision(long value) {
        return new RangeMeta(appliedIndex, revision, value);
    }

    byte[] encode() {
        return ByteBuffer.allocate(24)
                .putLong(appliedIndex)
                .putLong(revision)
                .putLong(compactRevision)
                .array();
    }

    static RangeMeta decode(byte[] bytes) {
        if (bytes.length != 24) {
            throw new IllegalStateException("corrupt range meta of " + bytes.length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        return new RangeMeta(in.getLong(), in.getLong(), in.getLong());
    }
}
