package dev.flotilla.log.impl;

import dev.flotilla.raft.Entry;
import dev.flotilla.raft.HardState;
import dev.flotilla.raft.SnapshotMeta;
import java.util.List;

/**
 * One group record of a frame, as the index applies it: the same value whether it was just encoded or read back by
 * recovery, so both paths share one apply.
 *
 * @param flags {@link WalFormat} FLAG_* bits; parts whose flag is clear hold their empty value
 * @param entrySlots per entry: offset of its entry header from the frame start (high 32 bits), data length (low 32)
 * @param entryTerms per entry, its term
 * @param entries the entries themselves when just appended (for the cache); empty when recovered
 */
record GroupRecord(
        long groupId,
        int flags,
        SnapshotMeta snapshot,
        long truncateFrom,
        long firstIndex,
        long[] entrySlots,
        long[] entryTerms,
        List<Entry> entries,
        HardState hardState) {
    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    static long slot(long offset, int length) {
        return (offset << 32) | (length & 0xFFFFFFFFL);
    }

    static long slotOffset(long slot) {
        return slot >>> 32;
    }

    static int slotLength(long slot) {
        return (int) slot;
    }
}
