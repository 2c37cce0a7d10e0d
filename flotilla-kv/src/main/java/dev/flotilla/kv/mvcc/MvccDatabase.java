package dev.flotilla.kv.mvcc;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.KeySpan;
import dev.flotilla.kv.KvStore;
import dev.flotilla.kv.RangeMap;
import dev.flotilla.kv.RocksDbConfig;
import dev.flotilla.kv.StoredLease;
import dev.flotilla.kv.auth.AuthView;
import dev.flotilla.kv.command.AuthState;
import dev.flotilla.kv.command.CommandResult;
import dev.flotilla.kv.command.MemberRecord;
import dev.flotilla.kv.command.RangeDescriptor;
import dev.flotilla.kv.etcd.etcdserverpb.HashKVResponse;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeResponse;
import dev.flotilla.kv.etcd.etcdserverpb.TxnRequest;
import dev.flotilla.kv.etcd.etcdserverpb.TxnResponse;
import dev.flotilla.kv.lease.LeaseChange;
import dev.flotilla.kv.lease.LeaseClock;
import dev.flotilla.kv.watch.WatchHub;
import dev.flotilla.runtime.StateMachine;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.zip.CRC32C;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatchWithIndex;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB behind a node's {@link KvStore}. One column family only: a flush then covers every write up to one
 * sequence number, so what survives a crash is always a prefix of the applied batches, each with its own applied
 * index.
 */
public final class MvccDatabase implements KvStore {
    /** Revisions each range keeps in memory for watchers; slower ones catch up from RocksDB. */
    private static final int WATCH_BUFFER_REVISIONS = 16_384;

    private static final long WATCH_BUFFER_BYTES = 32L << 20;

    static {
        RocksDB.loadLibrary();
    }

    private final RocksDB db;
    private final Options options;
    private final LRUCache cache;
    private final WriteOptions writeOptions;
    private final FlushTracker flushes;
    private final Map<Long, WatchHub> watchHubs = new ConcurrentHashMap<>();
    private final Map<Long, LeaseClock> leaseClocks = new ConcurrentHashMap<>();
    private final List<Consumer<MemberRecord>> memberListeners = new CopyOnWriteArrayList<>();
    /** Where an install hard-links a snapshot's files for RocksDB to move in; on the same file system as the DB. */
    private final Path ingestRoot;

    private final Map<Long, AuthView> authViews = new ConcurrentHashMap<>();

    private final long snapshotFileBytes;
    /** Writes range snapshots, one at a time: the SST writer is CPU-bound, and the driver thread needs the rest. */
    private final ExecutorService snapshotWriter;

    private final List<Runnable> rangeListeners = new CopyOnWriteArrayList<>();
    private final RangeMap configured;

    private MvccDatabase(
            RocksDB db,
            Options options,
            LRUCache cache,
            FlushTracker flushes,
            Path directory,
            long snapshotFileBytes,
            RangeMap configured) {
        this.db = db;
        this.configured = configured;
        this.ingestRoot = directory.resolveSibling(directory.getFileName() + "-ingest");
        this.snapshotFileBytes = snapshotFileBytes;
        this.snapshotWriter = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "flotilla-kv-snapshot-writer");
            thread.setDaemon(true);
            return thread;
        });
        this.options = options;
        this.cache = cache;
        this.flushes = flushes;
        // The Raft log is the write-ahead log; a lost memtable is replayed from it.
        this.writeOptions = new WriteOptions().setDisableWAL(true);
    }

    public static MvccDatabase open(Path directory, RocksDbConfig config) throws IOException {
        return open(directory, config, RangeMap.singleRange());
    }

    /**
     * @param configured the ranges of the configured split keys: the spans of ranges whose meta record has none
     */
    public static MvccDatabase open(Path directory, RocksDbConfig config, RangeMap configured) throws IOException {
        Files.createDirectories(directory);
        FlushTracker flushes = new FlushTracker();
        LRUCache cache = new LRUCache(config.blockCacheSizeBytes());
        Options options = new Options()
                .setCreateIfMissing(true)
                .setWriteBufferSize(config.writeBufferSizeBytes())
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache))
                .setListeners(List.of(flushes));
        try {
            return new MvccDatabase(
                    RocksDB.open(options, directory.toString()),
                    options,
                    cache,
                    flushes,
                    directory,
                    config.snapshotFileBytes(),
                    configured);
        } catch (RocksDBException e) {
            options.close();
            cache.close();
            throw new IOException("opening RocksDB in " + directory + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public StateMachine stateMachine(long rangeId) {
        RangeMeta meta = meta(rangeId);
        flushes.opened(rangeId, meta.appliedIndex());
        WatchHub hub = new WatchHub(
                new MvccHistory(this, rangeId),
                meta.revision(),
                meta.compactRevision(),
                WATCH_BUFFER_REVISIONS,
                WATCH_BUFFER_BYTES);
        watchHubs.put(rangeId, hub);
        LeaseClock clock = leaseClocks.computeIfAbsent(rangeId, id -> new LeaseClock(System::nanoTime));
        readSnapshot(rangeId, RangeTransaction::leases).forEach(clock::applied);
        return new RangeStateMachine(this, rangeId, hub, clock);
    }

    @Override
    public WatchHub watchHub(long rangeId) {
        return Optional.ofNullable(watchHubs.get(rangeId))
                .orElseThrow(() -> new IllegalStateException("range " + rangeId + " is not open on this node"));
    }

    @Override
    public LeaseClock leaseClock(long rangeId) {
        return leaseClocks.computeIfAbsent(rangeId, id -> new LeaseClock(System::nanoTime));
    }

    @Override
    public List<LeaseChange.Granted> leases(long rangeId) {
        return readSnapshot(rangeId, RangeTransaction::leases);
    }

    @Override
    public Optional<StoredLease> lease(long rangeId, long leaseId) {
        return readSnapshot(rangeId, txn -> txn.leaseTtl(leaseId)
                .map(ttl -> new StoredLease(leaseId, ttl, txn.attachedKeys(leaseId))));
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

    @Override
    public Map<Long, RangeDescriptor> localRanges() {
        Map<Long, RangeDescriptor> ranges = new TreeMap<>();
        try (RocksIterator it = db.newIterator()) {
            for (it.seek(KeyCodec.metaKind()); it.isValid(); it.next()) {
                OptionalLong range = KeyCodec.rangeOfMeta(it.key());
                if (range.isEmpty()) {
                    break;
                }
                long id = range.getAsLong();
                ranges.put(
                        id,
                        RangeMeta.decode(it.value(), configuredDescriptor(id)).descriptor());
            }
        }
        return ranges;
    }

    @Override
    public long revision(long rangeId) {
        return meta(rangeId).revision();
    }

    @Override
    public void onRangesChanged(Runnable listener) {
        rangeListeners.add(listener);
    }

    /** Tells the listeners that a split or a restore changed the ranges' descriptors. Driver thread only. */
    void rangesChanged() {
        rangeListeners.forEach(Runnable::run);
    }

    /** The descriptor of a range whose meta has none: its span by the configured split keys. */
    private RangeDescriptor configuredDescriptor(long rangeId) {
        KeySpan span = configured
                .range(rangeId)
                .map(RangeMap.Range::span)
                .orElse(new KeySpan(ByteString.EMPTY, Optional.empty()));
        return RangeDescriptors.of(span).build();
    }

    /** Whether range {@code rangeId} has a meta record, in the database or in {@code batch}. */
    boolean holdsMeta(WriteBatchWithIndex batch, long rangeId) throws RocksDBException {
        try (ReadOptions readOptions = new ReadOptions()) {
            return batch.getFromBatchAndDB(db, readOptions, KeyCodec.metaKey(rangeId)) != null;
        }
    }

    /** Iterates {@code batch} on top of the database. */
    RocksIterator batchIterator(WriteBatchWithIndex batch) {
        return batch.newIteratorWithBase(db.newIterator());
    }

    MemberRecord upsertMember(long rangeId, WriteBatchWithIndex batch, MemberRecord update) throws RocksDBException {
        return MemberTable.upsert(db, batch, rangeId, update);
    }

    /** Tells the listeners about a row once its batch is written. Driver thread only. */
    void memberChanged(MemberRecord row) {
        memberListeners.forEach(listener -> listener.accept(row));
    }

    @Override
    public AuthView auth(long rangeId) {
        return authViews.computeIfAbsent(rangeId, id -> {
            try {
                return new AuthView(AuthTable.read(db, id));
            } catch (RocksDBException e) {
                throw new IllegalStateException("reading the auth state of range " + id + " failed", e);
            }
        });
    }

    AuthState authState(long rangeId, WriteBatchWithIndex batch) throws RocksDBException {
        return AuthTable.read(db, batch, rangeId);
    }

    void writeAuthState(long rangeId, WriteBatchWithIndex batch, AuthState state) throws RocksDBException {
        AuthTable.write(batch, rangeId, state);
    }

    /** Publishes the range's auth state once the batch that wrote it is in RocksDB. Driver thread only. */
    void authChanged(long rangeId, AuthState state) {
        authViews.put(rangeId, new AuthView(state));
    }

    /** Reads the range's auth state again (after a snapshot replaced it). Driver thread only. */
    void reloadAuthState(long rangeId) throws RocksDBException {
        authViews.put(rangeId, new AuthView(AuthTable.read(db, rangeId)));
    }

    /** Runs a read-only request against one snapshot of the range, with headers at the range's current revision. */
    CommandResult read(long rangeId, Function<RangeTransaction, CommandResult> request) {
        return readSnapshot(
                rangeId,
                txn -> Headers.withRevision(request.apply(txn), txn.meta().revision(), Headers.TERM_UNKNOWN));
    }

    <T> T readSnapshot(long rangeId, Function<RangeTransaction, T> request) {
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
            return bytes == null
                    ? RangeMeta.initial(configuredDescriptor(rangeId))
                    : RangeMeta.decode(bytes, configuredDescriptor(rangeId));
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

    /**
     * Every stored key of the range, its meta included, as one byte string (the full-copy snapshot): a count, then
     * per key its length, the key, the value's length and the value. Driver thread only, so no write interleaves.
     */
    byte[] copyRange(long rangeId) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        List<byte[]> pairs = new ArrayList<>();
        pairs.add(KeyCodec.metaKey(rangeId));
        pairs.add(meta(rangeId).encode());
        try {
            forEachRangeKey(rangeId, (key, value) -> {
                pairs.add(key);
                pairs.add(value);
            });
        } catch (RocksDBException e) {
            throw new IllegalStateException("copying range " + rangeId + " failed", e);
        }
        try {
            out.writeInt(pairs.size() / 2);
            for (byte[] part : pairs) {
                out.writeInt(part.length);
                out.write(part);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Replaces the range's keys by a {@link #copyRange} copy, in one write batch, and sets its applied index. Keys
     * outside the range are refused before anything is written. Driver thread only.
     *
     * @return the range's meta after the restore
     * @throws IllegalArgumentException if the bytes are not a copy of this range
     */
    RangeMeta replaceRange(long rangeId, byte[] copy, long appliedIndex) throws RocksDBException {
        byte[] metaKey = KeyCodec.metaKey(rangeId);
        List<byte[]> prefixes = KeyCodec.rangePrefixes(rangeId);
        try (WriteBatchWithIndex batch = new WriteBatchWithIndex(true)) {
            // Key by key: a write batch with an index cannot hold a range deletion. The copy is small (full-copy path).
            forEachRangeKey(rangeId, (key, value) -> batch.delete(key));
            RangeMeta meta = null;
            ByteBuffer in = ByteBuffer.wrap(copy);
            try {
                for (int count = in.getInt(); count > 0; count--) {
                    byte[] key = lengthPrefixed(in);
                    byte[] value = lengthPrefixed(in);
                    if (Arrays.equals(key, metaKey)) {
                        meta = RangeMeta.decode(value, configuredDescriptor(rangeId))
                                .withApplied(appliedIndex);
                    } else if (prefixes.stream().anyMatch(prefix -> KeyCodec.startsWith(key, prefix))) {
                        batch.put(key, value);
                    } else {
                        throw new IllegalArgumentException("snapshot of range " + rangeId + " holds a key of another");
                    }
                }
            } catch (BufferUnderflowException e) {
                throw new IllegalArgumentException("truncated snapshot of range " + rangeId, e);
            }
            if (meta == null || in.hasRemaining()) {
                throw new IllegalArgumentException("snapshot of range " + rangeId + " has no meta or trailing bytes");
            }
            commit(rangeId, batch, meta);
            return meta;
        }
    }

    /**
     * Captures the range now (driver thread, right after an apply) and writes it as table files into {@code directory}
     * on the snapshot writer's thread; see {@link RangeSnapshotFiles}.
     */
    CompletableFuture<Void> writeRangeSnapshot(long rangeId, Path directory) {
        Snapshot snapshot = db.getSnapshot();
        return CompletableFuture.runAsync(
                () -> {
                    try {
                        RangeSnapshotFiles.write(db, snapshot, rangeId, directory, snapshotFileBytes);
                    } catch (RocksDBException e) {
                        throw new IllegalStateException("writing a snapshot of range " + rangeId + " failed", e);
                    } finally {
                        db.releaseSnapshot(snapshot);
                    }
                },
                snapshotWriter);
    }

    /**
     * Replaces the range's keys by the table files of a verified snapshot directory, at {@code appliedIndex}, durably.
     * Driver thread only.
     *
     * @return the range's meta after the install
     * @throws IllegalArgumentException if the directory is not a snapshot of this range at that index
     */
    RangeMeta installRangeSnapshot(long rangeId, Path directory, long appliedIndex)
            throws RocksDBException, IOException {
        List<Path> files = RangeSnapshotFiles.verifiedFiles(directory, rangeId, appliedIndex);
        RangeSnapshotFiles.install(db, writeOptions, rangeId, files, ingestRoot.resolve("range-" + rangeId));
        flushes.installed(rangeId, appliedIndex);
        RangeMeta meta = meta(rangeId);
        if (meta.appliedIndex() != appliedIndex) {
            throw new IllegalStateException("range " + rangeId + ": the snapshot for index " + appliedIndex
                    + " holds applied index " + meta.appliedIndex());
        }
        return meta;
    }

    @Override
    public long rangeChecksum(long rangeId) {
        Snapshot snapshot = db.getSnapshot();
        CRC32C crc = new CRC32C();
        ByteBuffer lengths = ByteBuffer.allocate(2 * Integer.BYTES);
        try {
            for (byte[][] span : KeyCodec.rangeSpans(rangeId)) {
                try (Slice upper = new Slice(span[1]);
                        ReadOptions read =
                                new ReadOptions().setSnapshot(snapshot).setIterateUpperBound(upper);
                        RocksIterator it = db.newIterator(read)) {
                    for (it.seek(span[0]); it.isValid(); it.next()) {
                        byte[] key = it.key();
                        byte[] value = it.value();
                        crc.update(lengths.clear()
                                .putInt(key.length)
                                .putInt(value.length)
                                .flip());
                        crc.update(key);
                        crc.update(value);
                    }
                }
            }
        } finally {
            db.releaseSnapshot(snapshot);
        }
        return crc.getValue();
    }

    private interface KeyValueVisitor {
        void visit(byte[] key, byte[] value) throws RocksDBException;
    }

    /** Every key of the range under {@link KeyCodec#rangePrefixes}, in key order per prefix. */
    private void forEachRangeKey(long rangeId, KeyValueVisitor visitor) throws RocksDBException {
        for (byte[] prefix : KeyCodec.rangePrefixes(rangeId)) {
            // The same kind of key of the next range sorts after every key under this prefix.
            byte[] upper = ByteBuffer.allocate(prefix.length)
                    .put(prefix[0])
                    .putLong(rangeId + 1)
                    .array();
            try (Slice bound = new Slice(upper);
                    ReadOptions bounds = new ReadOptions().setIterateUpperBound(bound);
                    RocksIterator it = db.newIterator(bounds)) {
                for (it.seek(prefix); it.isValid(); it.next()) {
                    visitor.visit(it.key(), it.value());
                }
            }
        }
    }

    private static byte[] lengthPrefixed(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("bad length " + length + " in a range snapshot");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
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

    /** Closes without flushing, as a crash would leave the files (tests). */
    void closeAsIfCrashed() throws RocksDBException {
        db.setDBOptions(org.rocksdb.MutableDBOptions.builder()
                .setAvoidFlushDuringShutdown(true)
                .build());
        snapshotWriter.shutdownNow();
        writeOptions.close();
        db.close();
        options.close();
        cache.close();
    }

    @Override
    public void close() {
        snapshotWriter.shutdown();
        flush();
        writeOptions.close();
        db.close();
        options.close();
        cache.close();
    }
}
