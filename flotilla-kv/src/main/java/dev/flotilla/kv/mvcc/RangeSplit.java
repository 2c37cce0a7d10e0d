package dev.flotilla.kv.mvcc;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.KeySpan;
import dev.flotilla.kv.RejectedRequestException;
import dev.flotilla.kv.command.RangeDescriptor;
import dev.flotilla.kv.command.Rejection;
import dev.flotilla.kv.command.Split;
import dev.flotilla.kv.command.SplitOff;
import dev.flotilla.kv.command.SplitResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatchWithIndex;

/**
 * The apply of a {@link Split} command (docs/kv-server.md, "Splitting a range"): into the range's apply batch it moves
 * every stored version of every key at or above the split key, tombstones included, from the range's prefix to the
 * new range's, writes the new range's meta (the right side: the same revision and compact revision, its applied
 * index the index its Raft log starts at) and returns the range's own meta shrunk to the left side. It creates no
 * revision. Driver thread only.
 */
final class RangeSplit {
    /**
     * The index the new range's Raft log starts at, behind a marker (as TiKV starts its split regions): a replica
     * without the moved data has no entries to learn it from and gets a snapshot.
     */
    static final long INITIAL_INDEX = 5;

    /** The range's meta after the split (the left side), and what the command answers. */
    record Outcome(RangeMeta left, SplitResult result) {}

    private RangeSplit() {}

    /**
     * @throws RejectedRequestException ({@code INVALID_SPLIT}) if the key does not lie strictly inside the range, the
     *     new id is taken, or a moving key is attached to a lease (leases stay in the first range); nothing is written
     */
    static Outcome apply(MvccDatabase database, WriteBatchWithIndex batch, long rangeId, RangeMeta meta, Split split)
            throws RocksDBException {
        KeySpan span = RangeDescriptors.span(meta.descriptor());
        ByteString key = split.getKey();
        long newId = split.getNewRangeId();
        if (key.isEmpty() || key.equals(span.start()) || !span.contains(key)) {
            throw refused(rangeId, key, "the key must lie inside the range and not start it");
        }
        if (newId == 0 || newId == rangeId || database.holdsMeta(batch, newId)) {
            throw refused(rangeId, key, "range id " + newId + " is taken");
        }
        List<byte[]> moving = new ArrayList<>();
        try (RocksIterator it = database.batchIterator(batch)) {
            byte[] end = KeyCodec.rangeDataEnd(rangeId);
            ByteString previous = null;
            for (it.seek(KeyCodec.keyStart(rangeId, key));
                    it.isValid() && Arrays.compareUnsigned(it.key(), end) < 0;
                    it.next()) {
                ByteString userKey = KeyCodec.userKey(it.key());
                if (!userKey.equals(previous)) {
                    // Versions sort newest first: this is the key's latest, the one a lease is attached to.
                    StoredVersion latest = StoredVersion.decode(it.value());
                    if (!latest.tombstone() && latest.lease() != 0) {
                        throw refused(
                                rangeId,
                                key,
                                "key '" + userKey.toStringUtf8() + "' is attached to lease " + latest.lease()
                                        + " and leases stay in range " + rangeId);
                    }
                    previous = userKey;
                }
                moving.add(it.key());
                moving.add(it.value());
            }
        }
        for (int i = 0; i < moving.size(); i += 2) {
            batch.delete(moving.get(i));
            batch.put(KeyCodec.withRange(moving.get(i), newId), moving.get(i + 1));
        }
        RangeDescriptor right = RangeDescriptors.of(new KeySpan(key, span.end()))
                .addAllInitialVoters(split.getVotersList())
                .setInitialIndex(INITIAL_INDEX)
                .build();
        batch.put(
                KeyCodec.metaKey(newId),
                new RangeMeta(INITIAL_INDEX, meta.revision(), meta.compactRevision(), right).encode());
        RangeDescriptor left = meta.descriptor().toBuilder()
                .setEnd(key)
                .addSplitOff(SplitOff.newBuilder().setRangeId(newId).setStart(key))
                .build();
        return new Outcome(
                meta.withDescriptor(left),
                SplitResult.newBuilder()
                        .setLeftRangeId(rangeId)
                        .setLeft(left)
                        .setRightRangeId(newId)
                        .setRight(right)
                        .build());
    }

    private static RejectedRequestException refused(long rangeId, ByteString key, String why) {
        return new RejectedRequestException(
                Rejection.Kind.INVALID_SPLIT,
                "flotilla: cannot split range " + rangeId + " at '" + key.toStringUtf8() + "': " + why);
    }
}
