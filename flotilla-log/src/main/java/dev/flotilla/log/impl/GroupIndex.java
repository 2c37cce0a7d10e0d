package dev.flotilla.log.impl;

import static dev.flotilla.log.impl.WalFormat.*;

import dev.flotilla.raft.Entry;
import dev.flotilla.raft.EntryType;
import dev.flotilla.raft.HardState;
import dev.flotilla.raft.LogStorage.CompactedException;
import dev.flotilla.raft.SnapshotMeta;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything the engine knows about one group: snapshot marker, hard state, and where each live entry is on disk
 * (8 bytes per entry, plus term and segment runs), with the cached tail of recent entries.
 *
 * <p>The writer mutates it through {@link #apply}; readers call the read methods from any thread. Every method takes
 * the group's lock, so a reader sees either all of a record or none of it, and a segment cannot be purged while a
 * reader that resolved an entry into it is still reading (purging needs every group to have let go of it first, which
 * takes this lock).
 */
final class GroupIndex {
    static final long NO_SEGMENT = -1;

    final long groupId;
    private final Segments segments;
    private final EntryCache cache;

    private SnapshotMeta snapshot = SnapshotMeta.EMPTY;
    private long snapshotSeq = NO_SEGMENT;
    private HardState hardState = HardState.EMPTY;
    private long hardStateSeq = NO_SEGMENT;
    /** Index of {@code slots.get(0)}. Equals {@code snapshot.index() + 1} except while recovery is replaying. */
    private long firstIndex = 1;
    /** Set once the group is removed; views holding this index look the group up again. */
    private volatile boolean removed;

    private final SlotArray slots = new SlotArray();
    private final RunMap terms = new RunMap();
    private final RunMap segmentRuns = new RunMap();
    private final EntryRing cached = new EntryRing();

    GroupIndex(long groupId, Segments segments, EntryCache cache) {
        this.groupId = groupId;
        this.segments = segments;
        this.cache = cache;
    }

    // ---- writes (writer thread, or recovery before the writer starts)

    /** Applies one record that was written at {@code frameStart} in {@code segment}. */
    synchronized void apply(GroupRecord r, Segment segment, long frameStart) {
        long seq = segment.seq;
        if (r.has(FLAG_RESET)) {
            clear();
        }
        if (r.has(FLAG_SNAPSHOT)) {
            applySnapshot(r.snapshot(), seq);
        }
        if (r.has(FLAG_TRUNCATE)) {
            if (r.truncateFrom() < firstIndex) {
                // Only while replaying a log whose older segments were purged: nothing before it survives either.
                restartLogAt(Math.max(r.truncateFrom(), snapshot.index() + 1));
            } else {
                dropFrom(r.truncateFrom());
            }
        }
        if (r.has(FLAG_ENTRIES)) {
            applyEntries(r, segment, frameStart);
        }
        if (r.has(FLAG_HARD_STATE)) {
            segments.releaseMeta(hardStateSeq);
            hardState = r.hardState();
            hardStateSeq = seq;
            segments.addMeta(seq);
        }
    }

    void markRemoved() {
        removed = true;
    }

    boolean isRemoved() {
        return removed;
    }

    /** Forgets everything: the group is removed, or about to be restated. */
    synchronized void clear() {
        dropFrom(firstIndex);
        segments.releaseMeta(snapshotSeq);
        segments.releaseMeta(hardStateSeq);
        snapshot = SnapshotMeta.EMPTY;
        snapshotSeq = NO_SEGMENT;
        hardState = HardState.EMPTY;
        hardStateSeq = NO_SEGMENT;
        firstIndex = 1;
        slots.clear();
        terms.clear();
        segmentRuns.clear();
    }

    private void applySnapshot(SnapshotMeta marker, long seq) {
        long at = marker.index();
        if (at > snapshot.index()) {
            if (at >= firstIndex && at <= lastIndex() && terms.valueAt(at) == marker.term()) {
                dropBefore(at + 1);
            } else if (at >= firstIndex) {
                restartLogAt(at + 1);
            }
            // Below firstIndex only while replaying a log whose older segments were purged: the entries stay.
        }
        segments.releaseMeta(snapshotSeq);
        snapshot = marker;
        snapshotSeq = seq;
        segments.addMeta(seq);
    }

    private void applyEntries(GroupRecord r, Segment segment, long frameStart) {
        long seq = segment.seq;
        long first = r.firstIndex();
        if (first < firstIndex || first > lastIndex() + 1) {
            // Only while replaying: the group's earlier records were in purged segments, so its log starts here.
            restartLogAt(first);
        } else if (first <= lastIndex()) {
            dropFrom(first);
        }
        long[] recordSlots = r.entrySlots();
        long bytes = 0;
        for (int i = 0; i < recordSlots.length; i++) {
            long index = first + i;
            int length = GroupRecord.slotLength(recordSlots[i]);
            slots.add(GroupRecord.slot(frameStart + GroupRecord.slotOffset(recordSlots[i]), length));
            terms.append(index, r.entryTerms()[i]);
            segmentRuns.append(index, seq);
            bytes += ENTRY_HEADER_BYTES + length;
        }
        segments.addEntry(segment, bytes);
        if (cache.enabled() && !r.entries().isEmpty()) {
            long cost = 0;
            for (Entry e : r.entries()) {
                cache.released(cached.append(e));
                cost += EntryRing.cost(e);
            }
            cache.admitted(this, lastIndex(), cost);
        }
    }

    /** Drops every entry; the log continues at {@code index}. */
    private void restartLogAt(long index) {
        dropFrom(firstIndex);
        slots.clear();
        terms.clear();
        segmentRuns.clear();
        firstIndex = index;
    }

    /** Drops entries before {@code index}. */
    private void dropBefore(long index) {
        int count = (int) (index - firstIndex);
        release(firstIndex, index);
        slots.dropFront(count);
        terms.dropBefore(index);
        segmentRuns.dropBefore(index);
        cache.released(cached.dropBefore(index));
        firstIndex = index;
    }

    /** Drops entries from {@code index} on. */
    private void dropFrom(long index) {
        long last = lastIndex();
        if (index > last) {
            return;
        }
        release(index, last + 1);
        slots.truncate((int) (index - firstIndex));
        terms.truncateFrom(index);
        segmentRuns.truncateFrom(index);
        cache.released(cached.truncateFrom(index));
    }

    private void release(long from, long to) {
        for (long i = from; i < to; i++) {
            long slot = slots.get((int) (i - firstIndex));
            segments.releaseEntry(segmentRuns.valueAt(i), ENTRY_HEADER_BYTES + GroupRecord.slotLength(slot));
        }
    }

    /** Evicts cached entries up to {@code index}; returns the bytes freed. Called by the cache's budget. */
    synchronized long evictCachedThrough(long index) {
        return cached.dropBefore(index + 1);
    }

    // ---- state the writer plans with (writer thread only, so no lock needed beyond visibility)

    synchronized long snapshotIndex() {
        return snapshot.index();
    }

    synchronized boolean pins(long seq) {
        return snapshotSeq == seq || hardStateSeq == seq || segmentRuns.containsValue(seq);
    }

    /** Bytes a full restatement of this group would take in a frame (an estimate that is never too small). */
    synchronized long restateBytes() {
        long bytes = 200
                + snapshot.handle().length
                + 8L * snapshot.membership().allMembers().size();
        for (int i = 0; i < slots.size(); i++) {
            bytes += ENTRY_HEADER_BYTES + GroupRecord.slotLength(slots.get(i));
        }
        return bytes;
    }

    synchronized long heapBytes() {
        return slots.heapBytes() + terms.heapBytes() + segmentRuns.heapBytes() + 120;
    }

    synchronized int entryCount() {
        return slots.size();
    }

    /** Whether the group's log is well formed: recovery checks this for every group at the end. */
    synchronized boolean consistent() {
        return firstIndex == snapshot.index() + 1;
    }

    // ---- reads (any thread)

    synchronized HardState hardState() {
        return hardState;
    }

    synchronized SnapshotMeta snapshot() {
        return snapshot;
    }

    synchronized long firstIndex() {
        return firstIndex;
    }

    synchronized long lastIndex() {
        return firstIndex + slots.size() - 1;
    }

    synchronized long term(long index) {
        if (index == snapshot.index()) {
            return snapshot.term();
        }
        if (index < firstIndex) {
            throw new CompactedException(index, firstIndex);
        }
        if (index > lastIndex()) {
            throw new IndexOutOfBoundsException("index " + index + " is after the last index " + lastIndex());
        }
        return terms.valueAt(index);
    }

    synchronized List<Entry> entries(long lo, long hi, long maxBytes) {
        if (lo < firstIndex) {
            throw new CompactedException(lo, firstIndex);
        }
        if (hi > lastIndex() + 1 || lo > hi) {
            throw new IndexOutOfBoundsException(
                    "range [" + lo + ", " + hi + ") is outside the log ending at " + lastIndex());
        }
        List<Entry> result = new ArrayList<>((int) Math.min(hi - lo, 1024));
        long bytes = 0;
        for (long index = lo; index < hi; index++) {
            Optional<Entry> hit = cached.get(index);
            Entry e = hit.isPresent() ? hit.get() : read(index);
            bytes += e.sizeBytes();
            if (!result.isEmpty() && bytes > maxBytes) {
                break;
            }
            result.add(e);
        }
        return result;
    }

    private Entry read(long index) {
        long slot = slots.get((int) (index - firstIndex));
        int length = GroupRecord.slotLength(slot);
        ByteBuffer buffer = ByteBuffer.allocate(ENTRY_HEADER_BYTES + length).order(ORDER);
        long seq = segmentRuns.valueAt(index);
        try {
            if (segments.file(seq).read(buffer, GroupRecord.slotOffset(slot)) != buffer.capacity()) {
                throw new IOException(
                        "short read of entry " + index + " of group " + groupId + " in " + segmentName(seq));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        buffer.flip();
        long term = buffer.getLong();
        EntryType type = EntryType.ofCode(buffer.get());
        int storedLength = buffer.getInt();
        if (term != terms.valueAt(index) || storedLength != length) {
            throw new IllegalStateException("entry " + index + " of group " + groupId + " in " + segmentName(seq)
                    + " at offset " + GroupRecord.slotOffset(slot) + " does not match the index");
        }
        byte[] data = new byte[length];
        buffer.get(data);
        return new Entry(index, term, type, data);
    }
}
