package dev.flotilla.kv.mvcc;

import dev.flotilla.kv.KvStore;
import dev.flotilla.kv.RocksDbConfig;
import dev.flotilla.kv.command.CommandResult;
import dev.flotilla.kv.command.MemberRecord;
import dev.flotilla.kv.etcd.etcdserverpb.HashKVResponse;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeResponse;
import dev.flotilla.kv.etcd.etcdserverpb.TxnRequest;
import dev.flotilla.kv.etcd.etcdserverpb.TxnResponse;
import dev.flotilla.runtime.StateMachine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatchWithIndex;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB behind a node's {@link KvStore}. One column family only: a flush then covers every write up to one
 * sequence number, so what survives a crash is always a prefix of the applied batches, each with its own applied
 * index.
 */
public final class MvccDatabase implements KvStore {
    static {
        RocksDB.loadLibrary();
    }

    private final RocksDB db;
    private final Options options;
    private final LRUCache cache;
    private final WriteOptions writeOptions;
    private final FlushTracker flushes;
    private final List<Consumer<MemberRecord>> memberListeners = new CopyOnWriteArrayList<>();

    private MvccDatabase(RocksDB db, Options options, LRUCache cache, FlushTracker flushes) {
        this.db = db;
        this.options = options;
        this.cache = cache;
        this.flushes = flushes;
        // The Raft log is the write-ahead log; a lost memtable is replayed from it.
        this.writeOptions = new WriteOptions().setDisableWAL(true);
    }

    public static MvccDatabase open(Path directory, RocksDbConfig config) throws IOException {
        Files.createDirectories(directory);
        FlushTracker flushes = new FlushTracker();
        LRUCache cache = new LRUCache(config.blockCacheSizeBytes());
        Options options = new Options()
                .setCreateIfMissing(true)
                .setWriteBufferSize(config.writeBufferSizeBytes())
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache))
                .setListeners(List.of(flushes));
        try {
            return new MvccDatabase(RocksDB.open(options, directory.toString()), options, cache, flushes);
        } catch (RocksDBException e) {
            options.close();
            cache.close();
            throw new IOException("opening RocksDB in " + directory + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public StateMachine stateMachine(long rangeId) {
        flushes.opened(rangeId, meta(rangeId).appliedIndex());
        return new RangeStateMachine(this, rangeId);
    }

    @Override
    public RangeResponse range(long rangeId, RangeRequest request) {
        return read(rangeId, txn -> CommandResult.newBuilder()
                        .setRange(txn.range(request))
                        .build())
                .getRange();
    }

    @Override
    public TxnResponse readOnlyTxn(long rangeId, TxnRequest request) {
        return read(rangeId, txn -> CommandResult.newBuilder()
                        .setTxn(txn.txn(request))
                        .build())
                .getTxn();
    }

    @Override
    public HashKVResponse hashKv(long rangeId, long revision) {
        return readSnapshot(rangeId, txn -> txn.hashKv(revision));
    }

    @Override
    public List<MemberRecord> members(long rangeId) {
        return MemberTable.rows(db, rangeId);
    }

    @Override
    public void onMemberChange(Consumer<MemberRecord> listener) {
        memberListeners.add(listener);
    }

    MemberRecord upsertMember(long rangeId, WriteBatchWithIndex batch, MemberRecord update) throws RocksDBException {
        return MemberTable.upsert(db, batch, rangeId, update);
    }

    /** Tells the listeners about a row once its batch is written. Driver thread only. */
    void memberChanged(MemberRecord row) {
        memberListeners.forEach(listener -> listener.accept(row));
    }

    /** Runs a read-only request against one snapshot of the range, with headers at the range's current revision. */
    CommandResult read(long rangeId, Function<RangeTransaction, CommandResult> request) {
        return readSnapshot(
                rangeId,
                txn -> Headers.withRevision(request.apply(txn), txn.meta().revision()));
    }

    private <T> T readSnapshot(long rangeId, Function<RangeTransaction, T> request) {
        Snapshot snapshot = db.getSnapshot();
        try (ReadOptions readOptions = new ReadOptions().setSnapshot(snapshot)) {
            RangeMeta meta = meta(rangeId, readOptions);
            MvccReader reader = new MvccReader(rangeId, () -> db.newIterator(readOptions));
            return request.apply(new RangeTransaction(reader, Optional.empty(), meta));
        } finally {
            db.releaseSnapshot(snapshot);
        }
    }

    MvccReader batchReader(long rangeId, WriteBatchWithIndex batch) {
        return new MvccReader(rangeId, () -> batch.newIteratorWithBase(db.newIterator()));
    }

    RangeMeta meta(long rangeId) {
        try (ReadOptions readOptions = new ReadOptions()) {
            return meta(rangeId, readOptions);
        }
    }

    private RangeMeta meta(long rangeId, ReadOptions readOptions) {
        try {
            byte[] bytes = db.get(readOptions, KeyCodec.metaKey(rangeId));
            return bytes == null ? RangeMeta.INITIAL : RangeMeta.decode(bytes);
        } catch (RocksDBException e) {
            throw new IllegalStateException("reading the meta of range " + rangeId + " failed", e);
        }
    }

    /** Writes an apply batch together with the range's new meta. Driver thread only. */
    void commit(long rangeId, WriteBatchWithIndex batch, RangeMeta meta) throws RocksDBException {
        batch.put(KeyCodec.metaKey(rangeId), meta.encode());
        db.write(writeOptions, batch);
        // Only the driver thread writes, so the latest sequence number is this batch's.
        flushes.written(rangeId, db.getLatestSequenceNumber(), meta.appliedIndex());
    }

    /** Visits every stored version of the range, tombstones included (checks of compaction and of replicas). */
    void forEachVersion(long rangeId, MvccReader.Visitor visitor) {
        new MvccReader(rangeId, db::newIterator).scanAllVersions(visitor);
    }

    long durableAppliedIndex(long rangeId) {
        return flushes.durableAppliedIndex(rangeId);
    }

    /** Makes every applied write durable now (tests, and close). */
    public void flush() {
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush);
        } catch (RocksDBException e) {
            throw new IllegalStateException("flushing RocksDB failed", e);
        }
    }

    @Override
    public long sizeBytes() {
        try {
            return db.getLongProperty("rocksdb.total-sst-files-size")
                    + db.getLongProperty("rocksdb.cur-size-all-mem-tables");
        } catch (RocksDBException e) {
            throw new IllegalStateException("reading RocksDB's size failed", e);
        }
    }

    @Override
    public void close() {
        flush();
        writeOptions.close();
        db.close();
        options.close();
        cache.close();
    }
}
