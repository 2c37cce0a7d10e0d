package dev.flotilla.raft.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProgressTest {
    private static Progress progress(long next) {
        return new Progress(next, new Inflights(2, 100));
    }

    @Test
    void probePausesAfterOneAppendUntilAnAnswer() {
        Progress p = progress(5);
        assertFalse(p.isPaused());
        p.sentEntries(7, 10, 2);
        assertTrue(p.isPaused());
        assertEquals(5, p.next, "probing does not move next optimistically");
        assertTrue(p.maybeUpdate(7));
        assertFalse(p.isPaused());
        assertEquals(8, p.next);
    }

    @Test
    void replicateMovesNextOptimisticallyAndPausesWhenTheWindowIsFull() {
        Progress p = progress(1);
        p.maybeUpdate(4);
        p.becomeReplicate();
        assertEquals(5, p.next);
        p.sentEntries(6, 10, 2);
        assertEquals(7, p.next);
        assertFalse(p.isPaused());
        p.sentEntries(8, 10, 2);
        assertTrue(p.isPaused());
        p.inflights.freeUpTo(6);
        assertFalse(p.isPaused());
    }

    @Test
    void emptyAppendInReplicateUsesNoWindow() {
        Progress p = progress(1);
        p.becomeReplicate();
        p.sentEntries(0, 0, 0);
        assertEquals(0, p.inflights.count());
    }

    @Test
    void snapshotStateAlwaysPausesAndProbingResumesAfterTheSnapshot() {
        Progress p = progress(3);
        p.maybeUpdate(2);
        p.becomeSnapshot(10);
        assertTrue(p.isPaused());
        assertEquals(10, p.pendingSnapshot);
        p.becomeProbe();
        assertEquals(11, p.next);
        assertEquals(0, p.pendingSnapshot);
    }

    @Test
    void staleRejectionsAreIgnored() {
        Progress p = progress(10);
        assertFalse(p.maybeDecreaseTo(5, 3), "probe: a rejection of another prevIndex is stale");
        assertTrue(p.maybeDecreaseTo(9, 3));
        assertEquals(4, p.next, "jumps to just after the hint");
        p.maybeUpdate(6);
        p.becomeReplicate();
        assertFalse(p.maybeDecreaseTo(6, 0), "replicate: a rejection at or below match is stale");
        assertTrue(p.maybeDecreaseTo(8, 0));
        assertEquals(7, p.next);
    }

    @Test
    void decreaseNeverGoesBelowMatchPlusOne() {
        Progress p = progress(10);
        p.maybeUpdate(5);
        p.next = 10;
        assertTrue(p.maybeDecreaseTo(9, 1));
        assertEquals(6, p.next);
    }

    @Test
    void olderAcknowledgementsDoNotMoveMatchBack() {
        Progress p = progress(1);
        assertTrue(p.maybeUpdate(5));
        assertFalse(p.maybeUpdate(3));
        assertEquals(5, p.match);
    }
}
