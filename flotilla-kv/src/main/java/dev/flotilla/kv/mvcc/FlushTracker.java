package dev.flotilla.kv.mvcc;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.rocksdb.AbstractEventListener;
import org.rocksdb.FlushJobInfo;
import org.rocksdb.RocksDB;

/**
 * Knows which applied index of each range is durable. With RocksDB's WAL off, a write survives a crash only once a
 * memtable flush has written it to a table file; a flush covers every write up to a sequence number. Each applied
 * batch is recorded with its sequence number, and a completed flush turns the recorded indexes at or below its
 * largest sequence number durable.
 */
final class FlushTracker extends AbstractEventListener {
    private record Write(long sequence, long appliedIndex) {}

    private final Map<Long, Deque<Write>> unflushed = new HashMap<>();
    private final Map<Long, Long> durable = new HashMap<>();

    /** Called once per range when it opens: everything found on disk at open has been flushed. */
    synchronized void opened(long rangeId, long appliedIndex) {
        durable.put(rangeId, appliedIndex);
    }

    synchronized void written(long rangeId, long sequence, long appliedIndex) {
        unflushed.computeIfAbsent(rangeId, id -> new ArrayDeque<>()).add(new Write(sequence, appliedIndex));
    }

    /**
     * The range's keys were replaced by ingested table files, which are durable at once, at {@code appliedIndex}; the
     * writes recorded before are gone with the keys they wrote.
     */
    synchronized void installed(long rangeId, long appliedIndex) {
        unflushed.remove(rangeId);
        durable.put(rangeId, appliedIndex);
    }

    synchronized long durableAppliedIndex(long rangeId) {
        return durable.getOrDefault(rangeId, 0L);
    }

    @Override
    public synchronized void onFlushCompleted(RocksDB db, FlushJobInfo info) {
        long flushed = info.getLargestSeqno();
        unflushed.forEach((rangeId, writes) -> {
            while (!writes.isEmpty() && writes.peek().sequence() <= flushed) {
                durable.put(rangeId, writes.poll().appliedIndex());
            }
        });
    }
}
