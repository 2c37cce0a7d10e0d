package dev.flotilla.raft.impl;

import java.util.ArrayDeque;

/** The appends sent to one follower and not yet acknowledged, bounded by count and by payload bytes. */
final class Inflights {
    private record Sent(long lastIndex, long bytes) {}

    private final int maxCount;
    private final long maxBytes;
    private final ArrayDeque<Sent> sent = new ArrayDeque<>();
    private long bytes;

    Inflights(int maxCount, long maxBytes) {
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
    }

    void add(long lastIndex, long messageBytes) {
        sent.addLast(new Sent(lastIndex, messageBytes));
        bytes += messageBytes;
    }

    /** Forgets every append whose last index is at or below {@code index}: the follower has it. */
    void freeUpTo(long index) {
        while (!sent.isEmpty() && sent.peekFirst().lastIndex() <= index) {
            bytes -= sent.pollFirst().bytes();
        }
    }

    void freeFirst() {
        if (!sent.isEmpty()) {
            bytes -= sent.pollFirst().bytes();
        }
    }

    boolean isFull() {
        return sent.size() >= maxCount || bytes >= maxBytes;
    }

    int count() {
        return sent.size();
    }

    long bytes() {
        return bytes;
    }

    void clear() {
        sent.clear();
        bytes = 0;
    }
}
