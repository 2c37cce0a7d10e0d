package dev.flotilla.kv.mvcc;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.KeySpan;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.rocksdb.RocksIterator;

/**
 * Reads the versions of one range through RocksDB iterators: over a snapshot for client reads, or over an apply
 * batch on top of the database, so that a command sees its own earlier writes. A fresh iterator serves each call,
 * because a batch iterator does not follow writes made after it was created.
 */
final class MvccReader {
    /** Receives the live version of each key in order; returns false to stop. */
    interface Visitor {
        boolean visit(ByteString key, long modRevision, StoredVersion version);
    }

    private final long rangeId;
    private final Supplier<RocksIterator> iterators;

    MvccReader(long rangeId, Supplier<RocksIterator> iterators) {
        this.rangeId = rangeId;
        this.iterators = iterators;
    }

    long rangeId() {
        return rangeId;
    }

    /** Visits, in key order, every key of {@code span} that is live at {@code revision}, as it was then. */
    void scan(KeySpan span, long revision, Visitor visitor) {
        byte[] upper = span.end().map(end -> KeyCodec.keyStart(rangeId, end)).orElse(KeyCodec.rangeDataEnd(rangeId));
        try (RocksIterator it = iterators.get()) {
            it.seek(KeyCodec.keyStart(rangeId, span.start()));
            while (it.isValid() && Arrays.compareUnsigned(it.key(), upper) < 0) {
                byte[] stored = it.key();
                ByteString key = KeyCodec.userKey(stored);
                long modRevision = KeyCodec.revision(stored);
                if (modRevision > revision) {
                    // The newest version is too new: find the newest one at or before the revision.
                    it.seek(KeyCodec.versionKey(rangeId, key, revision));
                    byte[] start = KeyCodec.keyStart(rangeId, key);
                    if (it.isValid() && KeyCodec.startsWith(it.key(), start) && it.key().length == start.length + 8) {
                        modRevision = KeyCodec.revision(it.key());
                    } else {
                        modRevision = 0;
                    }
                }
                if (modRevision > 0) {
                    StoredVersion version = StoredVersion.decode(it.value());
                    if (!version.tombstone() && !visitor.visit(key, modRevision, version)) {
                        return;
                    }
                }
                it.seek(KeyCodec.keyEnd(rangeId, key));
            }
        }
    }

    /**
     * Visits {@code key} as it was at {@code revision}, if it was live then. One seek, where {@link #scan} of the key
     * needs two: versions sort newest first, so the first version key at or after the revision's is the one.
     */
    void visitAt(ByteString key, long revision, Visitor visitor) {
        byte[] start = KeyCodec.keyStart(rangeId, key);
        try (RocksIterator it = iterators.get()) {
            it.seek(KeyCodec.versionKey(rangeId, key, revision));
            if (it.isValid() && it.key().length == start.length + 8 && KeyCodec.startsWith(it.key(), start)) {
                StoredVersion version = StoredVersion.decode(it.value());
                if (!version.tombstone()) {
                    visitor.visit(key, KeyCodec.revision(it.key()), version);
                }
            }
        }
    }

    /** Visits every stored version of every key, newest first within a key (for compaction). */
    void scanAllVersions(Visitor visitor) {
        scanVersions(KeyCodec.dataPrefix(rangeId), KeyCodec.rangeDataEnd(rangeId), visitor);
    }

    /** Visits every stored version of every key of {@code span}, tombstones included, newest first within a key. */
    void scanVersions(KeySpan span, Visitor visitor) {
        byte[] upper = span.end().map(end -> KeyCodec.keyStart(rangeId, end)).orElse(KeyCodec.rangeDataEnd(rangeId));
        scanVersions(KeyCodec.keyStart(rangeId, span.start()), upper, visitor);
    }

    private void scanVersions(byte[] lower, byte[] upper, Visitor visitor) {
        try (RocksIterator it = iterators.get()) {
            it.seek(lower);
            while (it.isValid() && Arrays.compareUnsigned(it.key(), upper) < 0) {
                byte[] stored = it.key();
                if (!visitor.visit(
                        KeyCodec.userKey(stored), KeyCodec.revision(stored), StoredVersion.decode(it.value()))) {
                    return;
                }
                it.next();
            }
        }
    }

    /** Visits, in order, every stored record whose key starts with {@code prefix} (leases, attachments). */
    void scanPrefix(byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        try (RocksIterator it = iterators.get()) {
            it.seek(prefix);
            while (it.isValid() && KeyCodec.startsWith(it.key(), prefix)) {
                visitor.accept(it.key(), it.value());
                it.next();
            }
        }
    }

    /** The value stored under exactly {@code storedKey}, if any. */
    Optional<byte[]> get(byte[] storedKey) {
        try (RocksIterator it = iterators.get()) {
            it.seek(storedKey);
            return it.isValid() && Arrays.equals(it.key(), storedKey) ? Optional.of(it.value()) : Optional.empty();
        }
    }
}
