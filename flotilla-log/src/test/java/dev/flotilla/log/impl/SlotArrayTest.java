package dev.flotilla.log.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SlotArrayTest {
    @Test
    void dropsFromTheFrontAndTruncatesFromTheBackKeepingOrder() {
        SlotArray slots = new SlotArray();
        for (long i = 0; i < 1000; i++) {
            slots.add(i);
        }
        slots.dropFront(600);
        slots.truncate(300);
        assertEquals(300, slots.size());
        assertEquals(600, slots.get(0));
        assertEquals(899, slots.get(299));
        slots.add(5);
        assertEquals(5, slots.get(300));
    }

    @Test
    void memoryFollowsTheLiveEntriesNotTheHistory() {
        SlotArray slots = new SlotArray();
        for (long i = 0; i < 1_000_000; i++) {
            slots.add(i);
            if (slots.size() > 2000) {
                slots.dropFront(1000);
            }
        }
        assertTrue(slots.heapBytes() < 8 * 4000 + 64, "heap " + slots.heapBytes());
    }
}
