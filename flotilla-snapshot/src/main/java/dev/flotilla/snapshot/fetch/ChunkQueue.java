package dev.flotilla.snapshot.fetch;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.OptionalLong;

/**
 * The chunks of one attempt still to fetch, shared by its streams. A chunk taken is in flight until its stream reports
 * it {@link #done} or gives it back with {@link #retry}; the queue is finished only when nothing is pending or in
 * flight, because a stream may give chunks back (a bad checksum, a broken connection, a file to fetch again).
 */
final class ChunkQueue {
    private final ArrayDeque<Long> pending;
    private int inFlight;
    private boolean aborted;

    ChunkQueue(Collection<Long> keys) {
        this.pending = new ArrayDeque<>(keys);
    }

    static long key(int file, int chunk) {
        return ((long) file << 32) | (chunk & 0xFFFFFFFFL);
    }

    static int file(long key) {
        return (int) (key >>> 32);
    }

    static int chunk(long key) {
        return (int) key;
    }

    /** The next chunk if one is pending, without waiting. */
    synchronized OptionalLong tryTake() {
        if (aborted || pending.isEmpty()) {
            return OptionalLong.empty();
        }
        inFlight++;
        return OptionalLong.of(pending.poll());
    }

    /** The next chunk, waiting while other streams may still give chunks back; empty when all is done or aborted. */
    synchronized OptionalLong take() throws InterruptedException {
        while (!aborted && pending.isEmpty() && inFlight > 0) {
            wait();
        }
        return tryTake();
    }

    synchronized void done(long key) {
        inFlight--;
        notifyAll();
    }

    synchronized void retry(long key) {
        pending.addFirst(key);
        inFlight--;
        notifyAll();
    }

    /** Adds chunks to fetch again (all the chunks of a file that failed its checksum). */
    synchronized void add(Collection<Long> keys) {
        pending.addAll(keys);
        notifyAll();
    }

    /** Stops handing out chunks; waiting streams return at once. */
    synchronized void abort() {
        aborted = true;
        notifyAll();
    }
}
