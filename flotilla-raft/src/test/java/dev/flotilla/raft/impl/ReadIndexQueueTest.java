package dev.flotilla.raft.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class ReadIndexQueueTest {
    private static final Predicate<Set<Long>> MAJORITY_OF_THREE = acks -> acks.size() >= 2;

    @Test
    void aReadIsReleasedOnceAQuorumAcknowledges() {
        ReadIndexQueue q = new ReadIndexQueue();
        byte[] ctx = q.add(5, 1, new byte[] {9}, 1);
        List<ReadIndexQueue.PendingRead> released = q.ack(ctx, 2, MAJORITY_OF_THREE);
        assertEquals(1, released.size());
        assertEquals(5, released.get(0).index());
        assertTrue(q.latestContext().isEmpty());
    }

    @Test
    void anAcknowledgementOfALaterHeartbeatConfirmsEarlierReads() {
        ReadIndexQueue q = new ReadIndexQueue();
        q.add(5, 1, new byte[0], 1);
        byte[] second = q.add(6, 2, new byte[0], 1);
        assertEquals(2, q.ack(second, 3, MAJORITY_OF_THREE).size());
    }

    @Test
    void anAcknowledgementOfAnEarlierHeartbeatDoesNotConfirmLaterReads() {
        ReadIndexQueue q = new ReadIndexQueue();
        byte[] first = q.add(5, 1, new byte[0], 1);
        q.add(6, 1, new byte[0], 1);
        assertEquals(1, q.ack(first, 2, MAJORITY_OF_THREE).size());
        assertTrue(q.latestContext().isPresent());
    }

    @Test
    void foreignContextsAreIgnored() {
        ReadIndexQueue q = new ReadIndexQueue();
        q.add(5, 1, new byte[0], 1);
        assertEquals(0, q.ack(new byte[] {1, 2}, 2, MAJORITY_OF_THREE).size());
        q.clear();
        assertTrue(q.latestContext().isEmpty());
        assertEquals(0, q.ack(new byte[8], 2, MAJORITY_OF_THREE).size());
    }
}
