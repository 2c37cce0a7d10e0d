package dev.flotilla.kv.mvcc;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.flotilla.kv.command.AuthState;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatchWithIndex;

/**
 * The cluster's auth state as a range stores it: one row, {@code 'u'} · range id, holding an encoded {@link
 * AuthState} (users with hashed passwords, roles, the enabled flag, the auth revision, the token key). Written only
 * by applied commands, in the range's write batch, so it is as durable as the range's applied index; the full-copy
 * snapshot carries it. One row keeps every change atomic and is small for the hundreds of users and roles a cluster
 * has; a missing row is the initial state (auth off, no users, no roles).
 */
final class AuthTable {
    private AuthTable() {}

    /** The state as of the batch (its earlier writes included) on top of the database. */
    static AuthState read(RocksDB db, WriteBatchWithIndex batch, long rangeId) throws RocksDBException {
        try (ReadOptions read = new ReadOptions()) {
            return decode(batch.getFromBatchAndDB(db, read, KeyCodec.authKey(rangeId)));
        }
    }

    /** The state as the database holds it. */
    static AuthState read(RocksDB db, long rangeId) throws RocksDBException {
        return decode(db.get(KeyCodec.authKey(rangeId)));
    }

    static void write(WriteBatchWithIndex batch, long rangeId, AuthState state) throws RocksDBException {
        batch.put(KeyCodec.authKey(rangeId), state.toByteArray());
    }

    private static AuthState decode(byte[] bytes) {
        if (bytes == null) {
            return AuthState.getDefaultInstance();
        }
        try {
            return AuthState.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt auth state row of " + bytes.length + " bytes", e);
        }
    }
}
