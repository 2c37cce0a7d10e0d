package dev.flotilla.log.impl;

import java.util.Arrays;

/** A growable array of longs that drops from the front in O(1): one slot per live entry of a group. */
final class SlotArray {
    private long[] slots = new long[4];
    private int head;
    private int size;

    int size() {
        return size;
    }

    long get(int i) {
        return slots[head + i];
    }

    void set(int i, long slot) {
        slots[head + i] = slot;
    }

    void add(long slot) {
        if (head + size == slots.length) {
            if (head >= slots.length / 2) {
                System.arraycopy(slots, head, slots, 0, size);
            } else {
                slots = Arrays.copyOfRange(slots, head, head + Math.max(4, size + (size >> 1)));
            }
            head = 0;
        }
        slots[head + size++] = slot;
    }

    void truncate(int newSize) {
        size = newSize;
    }

    void dropFront(int count) {
        head += count;
        size -= count;
        if (size == 0) {
            head = 0;
        }
        if (slots.length > 64 && size < slots.length / 4) {
            slots = Arrays.copyOfRange(slots, head, head + Math.max(4, size * 2));
            head = 0;
        }
    }

    void clear() {
        size = 0;
        head = 0;
        if (slots.length > 64) {
            slots = new long[4];
        }
    }

    long heapBytes() {
        return 8L * slots.length + 32;
    }
}
