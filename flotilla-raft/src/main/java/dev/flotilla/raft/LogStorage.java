package dev.flotilla.raft;

import java.util.List;

/**
 * The durable part of one group's Raft log, as the core reads it.
 *
 * <p><b>Who writes.</b> The core never writes through this interface. The caller persists what each {@link Ready}
 * hands out (snapshot, then entries, then hard state; see {@link Ready}) and only then calls {@code advance}; from
 * that moment the reads below must reflect it. Entries the core appended but the caller has not yet persisted live in
 * the core's own memory and are never asked for here.
 *
 * <p><b>Shape of the log.</b> The stored log is the snapshot at {@link #snapshot()} followed by the contiguous entries
 * {@link #firstIndex()}..{@link #lastIndex()}, where {@code firstIndex() == snapshot().index() + 1}. An empty log has
 * {@code firstIndex() == lastIndex() + 1}.
 *
 * <p><b>Threads.</b> Called only from the thread that drives the group, but possibly while another thread appends to
 * the underlying store: implementations must give a consistent view of persisted data.
 *
 * <p><b>Errors.</b> Reads below {@code firstIndex()} throw {@link CompactedException}; reads above {@code lastIndex()}
 * are programming errors ({@link IndexOutOfBoundsException}). An I/O failure is an {@link java.io.UncheckedIOException}
 * and is fatal for the group: the core does not retry it.
 */
public interface LogStorage {
    /** The hard state to resume from after a restart, or {@link HardState#EMPTY}. */
    HardState hardState();

    /** Index of the first entry still in the log. */
    long firstIndex();

    /** Index of the last entry in the log, or the snapshot's index if the log is empty. */
    long lastIndex();

    /**
     * Term of the entry at {@code index}. Valid for {@code snapshot().index() <= index <= lastIndex()}: at the snapshot
     * index it is the snapshot's term.
     */
    long term(long index);

    /**
     * Entries in {@code [lo, hi)} in order, stopping early once their total {@link Entry#sizeBytes()} exceeds {@code
     * maxBytes}, but always returning at least one entry when {@code lo < hi}.
     */
    List<Entry> entries(long lo, long hi, long maxBytes);

    /**
     * The latest snapshot. Membership changes after it are in the log as {@link EntryType#CONF_CHANGE} entries. A new
     * group starts either from a snapshot at index 0 whose membership is the initial configuration, or (as the
     * runtime does, so that members added later learn everything from the log) from an empty snapshot followed by
     * committed {@code CONF_CHANGE} entries that add the initial members.
     */
    SnapshotMeta snapshot();

    /** Thrown when asked for entries that were discarded by compaction. */
    final class CompactedException extends RuntimeException {
        public CompactedException(long index, long firstIndex) {
            super("index " + index + " is compacted; the log starts at " + firstIndex);
        }
    }
}
