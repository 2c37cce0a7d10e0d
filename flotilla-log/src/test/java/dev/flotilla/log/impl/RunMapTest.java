package dev.flotilla.log.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RunMapTest {
    @Test
    void equalValuesShareOneRun() {
        RunMap runs = new RunMap();
        for (long i = 1; i <= 1000; i++) {
            runs.append(i, 3);
        }
        runs.append(1001, 4);
        assertEquals(3, runs.valueAt(1000));
        assertEquals(4, runs.valueAt(5000));
        assertEquals(16L * 2 + 32, runs.heapBytes());
    }

    @Test
    void appendingAtAnEarlierIndexReplacesTheRunsAfterIt() {
        RunMap runs = new RunMap();
        runs.append(1, 1);
        runs.append(10, 2);
        runs.append(20, 3);
        runs.append(10, 5);
        assertEquals(1, runs.valueAt(9));
        assertEquals(5, runs.valueAt(25));
        assertFalse(runs.containsValue(2));
    }

    @Test
    void dropBeforeKeepsTheRunCoveringTheNewStart() {
        RunMap runs = new RunMap();
        runs.append(1, 1);
        runs.append(10, 2);
        runs.dropBefore(15);
        assertEquals(2, runs.valueAt(15));
        assertFalse(runs.containsValue(1));
        runs.truncateFrom(15);
        assertFalse(runs.containsValue(2));
        runs.append(15, 7);
        assertTrue(runs.containsValue(7));
    }
}
