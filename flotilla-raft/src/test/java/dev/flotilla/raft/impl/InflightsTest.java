package dev.flotilla.raft.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InflightsTest {
    @Test
    void fullByCount() {
        Inflights in = new Inflights(2, 1000);
        in.add(1, 1);
        assertFalse(in.isFull());
        in.add(2, 1);
        assertTrue(in.isFull());
    }

    @Test
    void fullByBytes() {
        Inflights in = new Inflights(100, 10);
        in.add(1, 9);
        assertFalse(in.isFull());
        in.add(2, 1);
        assertTrue(in.isFull());
        assertEquals(10, in.bytes());
    }

    @Test
    void freeingUpToAnIndexReleasesCountAndBytes() {
        Inflights in = new Inflights(3, 100);
        in.add(3, 10);
        in.add(6, 20);
        in.add(9, 30);
        in.freeUpTo(6);
        assertEquals(1, in.count());
        assertEquals(30, in.bytes());
        in.freeFirst();
        assertEquals(0, in.count());
        assertEquals(0, in.bytes());
        in.freeFirst();
        assertEquals(0, in.count());
    }

    @Test
    void clearEmptiesEverything() {
        Inflights in = new Inflights(1, 100);
        in.add(1, 50);
        in.clear();
        assertEquals(0, in.count());
        assertEquals(0, in.bytes());
        assertFalse(in.isFull());
    }
}
