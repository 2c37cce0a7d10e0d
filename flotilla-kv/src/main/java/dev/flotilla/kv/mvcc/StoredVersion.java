package dev.flotilla.kv.mvcc;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.etcd.mvccpb.KeyValue;
import java.nio.ByteBuffer;

/**
 * One version of a key as stored under its revision: a live value or a tombstone (the key was deleted at that
 * revision). Value layout: {@code [kind 1][create revision 8][version 8][lease 8][value...]}; a tombstone is the kind
 * byte alone.
 */
record StoredVersion(boolean tombstone, long createRevision, long version, long lease, ByteString value) {
    private static final byte LIVE = 0;
    private static final byte TOMBSTONE = 1;
    private static final int HEADER_BYTES = 25;

    static final StoredVersion DELETED = new StoredVersion(true, 0, 0, 0, ByteString.EMPTY);

    static StoredVersion live(long createRevision, long version, long lease, ByteString value) {
        return new StoredVersion(false, createRevision, version, lease, value);
    }

    byte[] encode() {
        if (tombstone) {
            return new byte[] {TOMBSTONE};
        }
        byte[] bytes = new byte[HEADER_BYTES + value.size()];
        ByteBuffer.wrap(bytes)
                .put(LIVE)
                .putLong(createRevision)
                .putLong(version)
                .putLong(lease);
        value.copyTo(bytes, HEADER_BYTES);
        return bytes;
    }

    static StoredVersion decode(byte[] bytes) {
        if (bytes.length == 1 && bytes[0] == TOMBSTONE) {
            return DELETED;
        }
        if (bytes.length < HEADER_BYTES || bytes[0] != LIVE) {
            throw new IllegalStateException("corrupt MVCC value of " + bytes.length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 1, HEADER_BYTES - 1);
        return new StoredVersion(
                false,
                in.getLong(),
                in.getLong(),
                in.getLong(),
                ByteString.copyFrom(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES));
    }

    KeyValue toKeyValue(ByteString key, long modRevision) {
        return KeyValue.newBuilder()
                .setKey(key)
                .setCreateRevision(createRevision)
                .setModRevision(modRevision)
                .setVersion(version)
                .setLease(lease)
                .setValue(value)
                .build();
    }
}
