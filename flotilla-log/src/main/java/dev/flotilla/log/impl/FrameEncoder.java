package dev.flotilla.log.impl;

import static dev.flotilla.log.impl.WalFormat.*;

import dev.flotilla.log.GroupWrite;
import dev.flotilla.raft.Entry;
import dev.flotilla.raft.HardState;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.SnapshotMeta;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Builds one frame in a reusable direct buffer: group records are added one by one, {@link #finish} seals the frame.
 * A {@link #mark()} / {@link #rollback(int)} pair takes back a batch that turned out invalid or too large.
 */
final class FrameEncoder {
    private ByteBuffer buffer;
    private final List<GroupRecord> records = new ArrayList<>();
    private int[] recordStarts = new int[64];

    FrameEncoder(int initialCapacity) {
        buffer = ByteBuffer.allocateDirect(Math.max(initialCapacity, 4096)).order(ORDER);
        reset();
    }

    void reset() {
        buffer.clear().position(FRAME_HEADER_BYTES);
        records.clear();
    }

    boolean isEmpty() {
        return records.isEmpty();
    }

    /** Frame bytes so far, header included, padding excluded. */
    int size() {
        return buffer.position();
    }

    int mark() {
        return records.size();
    }

    /** Drops the records added since {@code mark}. */
    void rollback(int mark) {
        if (mark == records.size()) {
            return;
        }
        buffer.position(recordStarts[mark]);
        records.subList(mark, records.size()).clear();
    }

    List<GroupRecord> records() {
        return records;
    }

    void addWrite(GroupWrite write) {
        int flags = (write.snapshot().isPresent() ? FLAG_SNAPSHOT : 0)
                | (write.truncateFrom().isPresent() ? FLAG_TRUNCATE : 0)
                | (write.entries().isEmpty() ? 0 : FLAG_ENTRIES)
                | (write.hardState().isPresent() ? FLAG_HARD_STATE : 0);
        add(
                write.groupId(),
                flags,
                write.snapshot().orElse(SnapshotMeta.EMPTY),
                write.truncateFrom().orElse(0),
                write.entries(),
                write.hardState().orElse(HardState.EMPTY));
    }

    void addRemove(long groupId) {
        add(groupId, FLAG_REMOVE, SnapshotMeta.EMPTY, 0, List.of(), HardState.EMPTY);
    }

    /** A complete restatement of a group, replacing whatever the log held for it before. */
    void addReset(long groupId, SnapshotMeta snapshot, List<Entry> entries, HardState hardState) {
        int flags = FLAG_RESET | FLAG_SNAPSHOT | FLAG_HARD_STATE | (entries.isEmpty() ? 0 : FLAG_ENTRIES);
        add(groupId, flags, snapshot, 0, entries, hardState);
    }

    private void add(
            long groupId, int flags, SnapshotMeta snapshot, long truncateFrom, List<Entry> entries, HardState hs) {
        if (records.size() == recordStarts.length) {
            recordStarts = java.util.Arrays.copyOf(recordStarts, recordStarts.length * 2);
        }
        recordStarts[records.size()] = buffer.position();
        int entryBytes = 0;
        for (int i = 0; i < entries.size(); i++) {
            entryBytes += ENTRY_HEADER_BYTES + entries.get(i).data().length;
        }
        int snapshotBytes = (flags & FLAG_SNAPSHOT) != 0 ? snapshotBytes(snapshot) : 0;
        ensure(9 + snapshotBytes + 8 + 12 + 24 + entryBytes);
        buffer.putLong(groupId).put((byte) flags);
        if ((flags & FLAG_SNAPSHOT) != 0) {
            putSnapshot(snapshot);
        }
        if ((flags & FLAG_TRUNCATE) != 0) {
            buffer.putLong(truncateFrom);
        }
        long[] slots = new long[entries.size()];
        long[] terms = new long[entries.size()];
        long firstIndex = 0;
        if ((flags & FLAG_ENTRIES) != 0) {
            firstIndex = entries.get(0).index();
            buffer.putLong(firstIndex).putInt(entries.size());
            for (int i = 0; i < slots.length; i++) {
                Entry e = entries.get(i);
                slots[i] = GroupRecord.slot(buffer.position(), e.data().length);
                terms[i] = e.term();
                buffer.putLong(e.term()).put((byte) e.type().code()).putInt(e.data().length);
                buffer.put(e.data());
            }
        }
        if ((flags & FLAG_HARD_STATE) != 0) {
            buffer.putLong(hs.term()).putLong(hs.vote()).putLong(hs.commit());
        }
        records.add(new GroupRecord(groupId, flags, snapshot, truncateFrom, firstIndex, slots, terms, entries, hs));
    }

    private static int snapshotBytes(SnapshotMeta s) {
        Membership m = s.membership();
        int ids = m.voters().size()
                + m.votersOutgoing().size()
                + m.learners().size()
                + m.learnersNext().size();
        return 8 + 8 + 1 + 16 + 8 * ids + 4 + s.handle().length;
    }

    private void putSnapshot(SnapshotMeta s) {
        Membership m = s.membership();
        buffer.putLong(s.index()).putLong(s.term()).put((byte) (m.autoLeave() ? 1 : 0));
        putIds(m.voters());
        putIds(m.votersOutgoing());
        putIds(m.learners());
        putIds(m.learnersNext());
        buffer.putInt(s.handle().length).put(s.handle());
    }

    private void putIds(Set<Long> ids) {
        buffer.putInt(ids.size());
        for (long id : ids) {
            buffer.putLong(id);
        }
    }

    private void ensure(int more) {
        if (buffer.remaining() >= more + FRAME_ALIGNMENT) {
            return;
        }
        long wanted = Math.max((long) buffer.capacity() * 2, (long) buffer.position() + more + FRAME_ALIGNMENT);
        if (wanted > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("frame larger than 2 GiB");
        }
        ByteBuffer bigger = ByteBuffer.allocateDirect((int) wanted).order(ORDER);
        buffer.flip();
        bigger.put(buffer);
        buffer = bigger;
    }

    /**
     * Seals the frame for segment {@code seq}: header, CRC, zero padding to the alignment.
     *
     * @return the frame, ready to write, its length a multiple of {@link WalFormat#FRAME_ALIGNMENT}
     */
    ByteBuffer finish(long seq) {
        int payload = buffer.position() - FRAME_HEADER_BYTES;
        int end = buffer.position();
        int padded = align(end);
        for (int i = end; i < padded; i++) {
            buffer.put((byte) 0);
        }
        buffer.putInt(FRAME_LENGTH_OFFSET, payload);
        buffer.put(FRAME_TYPE_OFFSET, FRAME_TYPE_BATCH);
        for (int i = FRAME_TYPE_OFFSET + 1; i < FRAME_SEQ_OFFSET; i++) {
            buffer.put(i, (byte) 0);
        }
        buffer.putLong(FRAME_SEQ_OFFSET, seq);
        buffer.putInt(0, frameCrc(buffer, 0, payload));
        return buffer.duplicate().position(0).limit(padded);
    }
}
