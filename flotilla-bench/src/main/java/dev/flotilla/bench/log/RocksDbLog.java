package dev.flotilla.bench.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * RocksDB as the Raft log, as most Java Raft libraries use it: key = group and index (big-endian, so a group's entries
 * sort together), value = term and data; one synced WriteBatch per group-commit batch; compaction is a deleteRange.
 */
final class RocksDbLog implements LogUnderTest {
    static {
        RocksDB.loadLibrary();
    }

    private record Put(long group, long index, long term, byte[] data, OptionalLong compactThrough) {}

    private final Options options;
    private final WriteOptions synced;
    private final RocksDB db;
    private final GroupCommitLoop<Put> loop;
    private final long[] firstIndex;

    RocksDbLog(Path dir, int groups, int maxBatchEntries) throws IOException {
        options = new Options().setCreateIfMissing(true).setIncreaseParallelism(2);
        synced = new WriteOptions().setSync(true);
        try {
            db = RocksDB.open(options, dir.toString());
        } catch (RocksDBException e) {
            throw new IOException(e);
        }
        firstIndex = new long[groups];
        java.util.Arrays.fill(firstIndex, 1);
        loop = new GroupCommitLoop<>("rocksdb-log-writer", maxBatchEntries, this::flush);
    }

    private void flush(List<Put> batch) throws RocksDBException {
        try (WriteBatch write = new WriteBatch()) {
            for (Put put : batch) {
                if (put.compactThrough().isPresent()) {
                    long through = put.compactThrough().getAsLong();
                    write.deleteRange(key(put.group(), firstIndex[(int) put.group()]), key(put.group(), through + 1));
                    firstIndex[(int) put.group()] = through + 1;
                }
                byte[] value = ByteBuffer.allocate(8 + put.data().length)
                        .putLong(put.term())
                        .put(put.data())
                        .array();
                write.put(key(put.group(), put.index()), value);
            }
            db.write(synced, write);
        }
    }

    private static byte[] key(long group, long index) {
        return ByteBuffer.allocate(16).putLong(group).putLong(index).array();
    }

    @Override
    public CompletableFuture<Void> append(long group, long index, long term, byte[] data, OptionalLong compactThrough) {
        return loop.submit(new Put(group, index, term, data, compactThrough));
    }

    @Override
    public long syncs() {
        return loop.flushes();
    }

    @Override
    public double indexBytesPerEntry() {
        return 0; // RocksDB's memtables and block indexes are its business; reported as 0, see docs/benchmarks.md
    }

    @Override
    public void close() {
        loop.close();
        db.close();
        synced.close();
        options.close();
    }
}
