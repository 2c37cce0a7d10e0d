package dev.flotilla.transport.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {
    private static QueuedMessage message(long bytes) {
        return new QueuedMessage(SampleMessages.heartbeat(1, 2, 1), bytes);
    }

    @Test
    void refusesTheMessageThatWouldExceedTheCountBound() {
        OutboundQueue queue = new OutboundQueue(3, 1_000);

        for (int i = 0; i < 3; i++) {
            assertTrue(queue.offer(message(10)));
        }

        assertFalse(queue.offer(message(10)));
    }

    @Test
    void refusesTheMessageThatWouldExceedTheByteBoundButTakesASmallerOne() {
        OutboundQueue queue = new OutboundQueue(100, 100);
        assertTrue(queue.offer(message(60)));

        assertFalse(queue.offer(message(41)));
        assertTrue(queue.offer(message(40)));
    }

    @Test
    void drainingEmptiesTheQueueInOrderAndFreesBothBounds() {
        OutboundQueue queue = new OutboundQueue(2, 100);
        QueuedMessage first = message(50);
        QueuedMessage second = message(50);
        queue.offer(first);
        queue.offer(second);

        assertEquals(List.of(first, second), queue.drain());

        assertTrue(queue.offer(message(50)));
        assertTrue(queue.offer(message(50)));
        assertEquals(2, queue.drain().size());
    }
}
