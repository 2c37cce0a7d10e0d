package dev.flotilla.kv.mvcc;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.flotilla.kv.command.MemberRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatchWithIndex;

/**
 * The cluster's member table as a range stores it: one row per member under {@code 'c'} · range id · member id, the
 * value an encoded {@link MemberRecord}. Rows are written only by applied commands, in the range's write batch, so
 * they are exactly as durable as the range's applied index and are replayed with it.
 */
final class MemberTable {
    private static final int KEY_BYTES = 17;

    private MemberTable() {}

    /**
     * Writes {@code update} as the member's row and returns the row as stored: a removed member's row stays as it is,
     * so a late update (a member publishing its address as it is being removed) cannot bring it back.
     */
    static MemberRecord upsert(RocksDB db, WriteBatchWithIndex batch, long rangeId, MemberRecord update)
            throws RocksDBException {
        byte[] key = key(rangeId, update.getId());
        try (ReadOptions read = new ReadOptions()) {
            byte[] current = batch.getFromBatchAndDB(db, read, key);
            if (current != null) {
                MemberRecord stored = decode(current);
                if (stored.getRemoved()) {
                    return stored;
                }
            }
        }
        batch.put(key, update.toByteArray());
        return update;
    }

    /** Every row of the range's table, in member id order. */
    static List<MemberRecord> rows(RocksDB db, long rangeId) {
        byte[] start = key(rangeId, 0);
        byte[] prefix = Arrays.copyOf(start, KEY_BYTES - Long.BYTES);
        List<MemberRecord> rows = new ArrayList<>();
        try (RocksIterator it = db.newIterator()) {
            for (it.seek(start); it.isValid() && startsWith(it.key(), prefix); it.next()) {
                rows.add(decode(it.value()));
            }
        }
        return rows;
    }

    private static byte[] key(long rangeId, long memberId) {
        return ByteBuffer.allocate(KEY_BYTES)
                .put(KeyCodec.MEMBER)
                .putLong(rangeId)
                .putLong(memberId)
                .array();
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static MemberRecord decode(byte[] bytes) {
        try {
            return MemberRecord.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt member row of " + bytes.length + " bytes", e);
        }
    }
}
