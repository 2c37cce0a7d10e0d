package dev.flotilla.log.impl;

import java.util.Arrays;

/**
 * A map from log index to a value that changes rarely along the log (the term, or the segment holding the entry),
 * stored as runs: the index where each run starts and its value. A group's log usually needs one or two runs.
 */
final class RunMap {
    private long[] starts = new long[2];
    private long[] values = new long[2];
    private int size;

    /** Sets the value from {@code index} on, forgetting what was set at or after it. */
    void append(long index, long value) {
        if (size > 0 && index <= starts[size - 1]) {
            truncateFrom(index);
        }
        if (size > 0 && values[size - 1] == value) {
            return;
        }
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        starts[size] = index;
        values[size] = value;
        size++;
    }

    /** The value at {@code index}, which must be at or after the first run's start. */
    long valueAt(long index) {
        int run = runOf(index);
        if (run < 0) {
            throw new IllegalStateException("no run covers index " + index);
        }
        return values[run];
    }

    /** Forgets everything from {@code index} on. */
    void truncateFrom(long index) {
        size = runOf(index - 1) + 1;
    }

    /** Forgets everything before {@code index}. */
    void dropBefore(long index) {
        int run = runOf(index);
        if (run <= 0) {
            if (run == 0) {
                starts[0] = index;
            }
            return;
        }
        System.arraycopy(starts, run, starts, 0, size - run);
        System.arraycopy(values, run, values, 0, size - run);
        size -= run;
        starts[0] = index;
    }

    void clear() {
        size = 0;
    }

    boolean containsValue(long value) {
        for (int i = 0; i < size; i++) {
            if (values[i] == value) {
                return true;
            }
        }
        return false;
    }

    long heapBytes() {
        return 16L * starts.length + 32;
    }

    /** Index of the last run starting at or before {@code index}, or -1. */
    private int runOf(long index) {
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] <= index) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return hi;
    }
}
