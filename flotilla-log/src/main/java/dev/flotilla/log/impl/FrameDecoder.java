package dev.flotilla.log.impl;

import static dev.flotilla.log.impl.WalFormat.*;

import dev.flotilla.raft.HardState;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.SnapshotMeta;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the group records of a frame whose checksum already matched. Entry data is skipped, not copied: recovery only
 * needs where each entry is.
 */
final class FrameDecoder {
    private FrameDecoder() {}

    /**
     * @param frame the frame, from its first header byte at {@code frame.position()} to the end of its payload
     * @throws IllegalArgumentException if the payload does not parse (a bug or a forged checksum: the CRC matched)
     */
    static List<GroupRecord> decode(ByteBuffer frame) {
        ByteBuffer in = frame.slice().order(ORDER);
        in.position(FRAME_HEADER_BYTES);
        List<GroupRecord> records = new ArrayList<>();
        try {
            while (in.hasRemaining()) {
                records.add(record(in));
            }
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed group record at frame offset " + in.position(), e);
        }
        return records;
    }

    private static GroupRecord record(ByteBuffer in) {
        long groupId = in.getLong();
        int flags = in.get() & 0xFF;
        if ((flags & ~KNOWN_FLAGS) != 0 || ((flags & FLAG_REMOVE) != 0 && flags != FLAG_REMOVE)) {
            throw new IllegalArgumentException("bad flags " + Integer.toHexString(flags));
        }
        SnapshotMeta snapshot = (flags & FLAG_SNAPSHOT) != 0 ? snapshot(in) : SnapshotMeta.EMPTY;
        long truncateFrom = (flags & FLAG_TRUNCATE) != 0 ? in.getLong() : 0;
        long firstIndex = 0;
        long[] slots = new long[0];
        long[] terms = new long[0];
        if ((flags & FLAG_ENTRIES) != 0) {
            firstIndex = in.getLong();
            int count = in.getInt();
            if (count <= 0 || firstIndex < 1) {
                throw new IllegalArgumentException("bad entries " + firstIndex + "+" + count);
            }
            slots = new long[count];
            terms = new long[count];
            for (int i = 0; i < count; i++) {
                int at = in.position();
                terms[i] = in.getLong();
                in.get(); // type: read back from the file with the data
                int length = in.getInt();
                if (length < 0 || length > in.remaining()) {
                    throw new IllegalArgumentException("bad entry length " + length);
                }
                slots[i] = GroupRecord.slot(at, length);
                in.position(in.position() + length);
            }
        }
        HardState hardState = (flags & FLAG_HARD_STATE) != 0
                ? new HardState(in.getLong(), in.getLong(), in.getLong())
                : HardState.EMPTY;
        return new GroupRecord(groupId, flags, snapshot, truncateFrom, firstIndex, slots, terms, List.of(), hardState);
    }

    private static SnapshotMeta snapshot(ByteBuffer in) {
        long index = in.getLong();
        long term = in.getLong();
        boolean autoLeave = in.get() != 0;
        Set<Long> voters = ids(in);
        Set<Long> outgoing = ids(in);
        Set<Long> learners = ids(in);
        Set<Long> learnersNext = ids(in);
        int handleLength = in.getInt();
        if (handleLength < 0 || handleLength > in.remaining()) {
            throw new IllegalArgumentException("bad handle length " + handleLength);
        }
        byte[] handle = new byte[handleLength];
        in.get(handle);
        return new SnapshotMeta(
                index, term, new Membership(voters, outgoing, learners, learnersNext, autoLeave), handle);
    }

    private static Set<Long> ids(ByteBuffer in) {
        int count = in.getInt();
        if (count < 0 || count > in.remaining() / 8) {
            throw new IllegalArgumentException("bad id count " + count);
        }
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < count; i++) {
            ids.add(in.getLong());
        }
        return ids;
    }
}
