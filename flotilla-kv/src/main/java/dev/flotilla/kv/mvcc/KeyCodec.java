package dev.flotilla.kv.mvcc;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * RocksDB keys of the MVCC store (docs/kv-server.md, "Key layout"). Every key starts with a kind byte and the range
 * id, so ranges share one RocksDB without mixing. A user key is escaped so that the encoding is prefix-free and keeps
 * byte order: {@code 0x00} becomes {@code 0x00 0xFF}, and {@code 0x00 0x01} ends the key. The revision follows,
 * inverted, so that the newest version of a key comes first.
 */
final class KeyCodec {
    private static final byte META = 'm';
    private static final byte DATA = 'd';
    private static final byte LEASE = 'l';
    private static final byte ATTACHMENT = 'a';
    /** Rows of the cluster's member table ({@link MemberTable}), kept by the first range. */
    static final byte MEMBER = 'c';
    /** The cluster's auth state ({@link AuthTable}), one row kept by the first range. */
    static final byte AUTH = 'u';

    /** The kinds of key a range owns besides its meta record; snapshots, checksums and installs all go by this list. */
    private static final List<Byte> OWNED_KINDS = List.of(DATA, LEASE, ATTACHMENT, MEMBER, AUTH);

    private static final int PREFIX_BYTES = 9;
    private static final int REVISION_BYTES = 8;

    private KeyCodec() {}

    /** The key of a range's {@link RangeMeta}. */
    static byte[] metaKey(long rangeId) {
        return ByteBuffer.allocate(PREFIX_BYTES).put(META).putLong(rangeId).array();
    }

    /** Sorts before every meta record; each of them starts with it. */
    static byte[] metaKind() {
        return new byte[] {META};
    }

    /** The range id of a meta record's key, if {@code storedKey} is one. */
    static OptionalLong rangeOfMeta(byte[] storedKey) {
        return storedKey.length == PREFIX_BYTES && storedKey[0] == META
                ? OptionalLong.of(ByteBuffer.wrap(storedKey, 1, 8).getLong())
                : OptionalLong.empty();
    }

    /** {@code storedKey} (of any kind) moved under range {@code rangeId}: the same key with another range id. */
    static byte[] withRange(byte[] storedKey, long rangeId) {
        byte[] moved = storedKey.clone();
        ByteBuffer.wrap(moved, 1, 8).putLong(rangeId);
        return moved;
    }

    /** The key of lease {@code leaseId}'s record (its granted TTL). */
    static byte[] leaseKey(long rangeId, long leaseId) {
        return ByteBuffer.allocate(PREFIX_BYTES + 8)
                .put(LEASE)
                .putLong(rangeId)
                .putLong(leaseId)
                .array();
    }

    /** Sorts before every lease record of the range. */
    static byte[] leasePrefix(long rangeId) {
        return ByteBuffer.allocate(PREFIX_BYTES).put(LEASE).putLong(rangeId).array();
    }

    /** The lease id of a lease record's key. */
    static long leaseId(byte[] leaseKey) {
        return ByteBuffer.wrap(leaseKey, PREFIX_BYTES, 8).getLong();
    }

    /**
     * The key that records that {@code userKey} is attached to lease {@code leaseId}. The user key is stored raw: the
     * fixed-width lease id before it keeps the attachments of one lease together and apart from other leases.
     */
    static byte[] attachmentKey(long rangeId, long leaseId, ByteString userKey) {
        byte[] prefix = attachmentPrefix(rangeId, leaseId);
        byte[] key = Arrays.copyOf(prefix, prefix.length + userKey.size());
        userKey.copyTo(key, prefix.length);
        return key;
    }

    /** Sorts before every attachment of lease {@code leaseId}; each of them starts with it. */
    static byte[] attachmentPrefix(long rangeId, long leaseId) {
        return ByteBuffer.allocate(PREFIX_BYTES + 8)
                .put(ATTACHMENT)
                .putLong(rangeId)
                .putLong(leaseId)
                .array();
    }

    /** The user key of an attachment key. */
    static ByteString attachedKey(byte[] attachmentKey) {
        return ByteString.copyFrom(attachmentKey, PREFIX_BYTES + 8, attachmentKey.length - PREFIX_BYTES - 8);
    }

    /** The key of {@code userKey}'s version written at {@code revision}. */
    static byte[] versionKey(long rangeId, ByteString userKey, long revision) {
        byte[] start = keyStart(rangeId, userKey);
        byte[] key = Arrays.copyOf(start, start.length + REVISION_BYTES);
        ByteBuffer.wrap(key, start.length, REVISION_BYTES).putLong(Long.MAX_VALUE - revision);
        return key;
    }

    /** Sorts before every version of {@code userKey} and after every version of any smaller key. */
    static byte[] keyStart(long rangeId, ByteString userKey) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(PREFIX_BYTES + userKey.size() + 2 + REVISION_BYTES);
        out.writeBytes(dataPrefix(rangeId));
        for (int i = 0; i < userKey.size(); i++) {
            byte b = userKey.byteAt(i);
            out.write(b);
            if (b == 0) {
                out.write(0xFF);
            }
        }
        out.write(0x00);
        out.write(0x01);
        return out.toByteArray();
    }

    /** Sorts after every version of {@code userKey} and before every larger key. */
    static byte[] keyEnd(long rangeId, ByteString userKey) {
        byte[] start = keyStart(rangeId, userKey);
        byte[] end = Arrays.copyOf(start, start.length + 1);
        end[start.length] = (byte) 0xFF; // inverted revisions start with 0x00..0x7F
        return end;
    }

    /** Sorts after every data key of the range. */
    static byte[] rangeDataEnd(long rangeId) {
        return ByteBuffer.allocate(PREFIX_BYTES).put(DATA).putLong(rangeId + 1).array();
    }

    /**
     * The prefixes of every kind of key a range owns besides its meta record (versions, leases, lease attachments,
     * member rows, the auth state): a full copy of the range is every key under them.
     */
    static List<byte[]> rangePrefixes(long rangeId) {
        return OWNED_KINDS.stream().map(kind -> prefix(kind, rangeId)).toList();
    }

    /** The key of the range's auth state row. */
    static byte[] authKey(long rangeId) {
        return prefix(AUTH, rangeId);
    }

    /**
     * The key spans of everything the range owns, its meta record included, in key order: {@code [kind . range, kind .
     * range+1)} for each kind.
     */
    static List<byte[][]> rangeSpans(long rangeId) {
        return Stream.concat(OWNED_KINDS.stream(), Stream.of(META))
                .sorted()
                .map(kind -> new byte[][] {prefix(kind, rangeId), prefix(kind, rangeId + 1)})
                .toList();
    }

    private static byte[] prefix(byte kind, long rangeId) {
        return ByteBuffer.allocate(PREFIX_BYTES).put(kind).putLong(rangeId).array();
    }

    static byte[] dataPrefix(long rangeId) {
        return ByteBuffer.allocate(PREFIX_BYTES).put(DATA).putLong(rangeId).array();
    }

    /** The user key of a stored version key. */
    static ByteString userKey(byte[] storedKey) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(storedKey.length - PREFIX_BYTES - 2 - REVISION_BYTES);
        int end = storedKey.length - REVISION_BYTES - 2;
        for (int i = PREFIX_BYTES; i < end; i++) {
            out.write(storedKey[i]);
            if (storedKey[i] == 0) {
                i++; // skip the escape byte
            }
        }
        return ByteString.copyFrom(out.toByteArray());
    }

    /** The revision of a stored version key. */
    static long revision(byte[] storedKey) {
        return Long.MAX_VALUE
                - ByteBuffer.wrap(storedKey, storedKey.length - REVISION_BYTES, REVISION_BYTES)
                        .getLong();
    }

    /** Whether {@code storedKey} begins with {@code prefix}. */
    static boolean startsWith(byte[] storedKey, byte[] prefix) {
        return storedKey.length >= prefix.length
                && Arrays.equals(storedKey, 0, prefix.length, prefix, 0, prefix.length);
    }
}
