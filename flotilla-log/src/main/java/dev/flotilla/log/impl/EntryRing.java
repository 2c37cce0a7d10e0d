package dev.flotilla.log.impl;

import dev.flotilla.raft.Entry;
import java.util.Arrays;
import java.util.Optional;

/** The cached tail of one group's log: contiguous recent entries, in a ring. Guarded by the group's lock. */
final class EntryRing {
    /** What an entry costs in the cache beyond its data: the object, its array header, the ring slot. */
    static final long ENTRY_OVERHEAD_BYTES = 64;

    private Entry[] ring = new Entry[0];
    private int head;
    private int size;
    private long firstIndex;

    static long cost(Entry e) {
        return e.data().length + ENTRY_OVERHEAD_BYTES;
    }

    Optional<Entry> get(long index) {
        long i = index - firstIndex;
        if (size == 0 || i < 0 || i >= size) {
            return Optional.empty();
        }
        return Optional.of(ring[(int) ((head + i) % ring.length)]);
    }

    /** Adds the entry after the cached ones; a gap clears the ring first. Returns the bytes freed by that. */
    long append(Entry e) {
        long freed = 0;
        if (size > 0 && e.index() != firstIndex + size) {
            freed = clear();
        }
        if (size == 0) {
            firstIndex = e.index();
            head = 0;
        }
        if (size == ring.length) {
            Entry[] bigger = new Entry[Math.max(4, ring.length * 2)];
            for (int i = 0; i < size; i++) {
                bigger[i] = ring[(head + i) % ring.length];
            }
            ring = bigger;
            head = 0;
        }
        ring[(head + size++) % ring.length] = e;
        return freed;
    }

    /** Drops cached entries from {@code index} on; returns the bytes freed. */
    long truncateFrom(long index) {
        long freed = 0;
        while (size > 0 && firstIndex + size - 1 >= index) {
            int last = (head + size - 1) % ring.length;
            freed += cost(ring[last]);
            ring[last] = null;
            size--;
        }
        return freed;
    }

    /** Drops cached entries before {@code index}; returns the bytes freed. */
    long dropBefore(long index) {
        long freed = 0;
        while (size > 0 && firstIndex < index) {
            freed += cost(ring[head]);
            ring[head] = null;
            head = (head + 1) % ring.length;
            firstIndex++;
            size--;
        }
        if (size == 0 && ring.length > 64) {
            ring = new Entry[0];
        }
        return freed;
    }

    long clear() {
        long freed = dropBefore(Long.MAX_VALUE);
        Arrays.fill(ring, null);
        size = 0;
        return freed;
    }
}
