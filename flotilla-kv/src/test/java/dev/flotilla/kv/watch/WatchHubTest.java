package dev.flotilla.kv.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.KeySpan;
import dev.flotilla.kv.etcd.mvccpb.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WatchHubTest {
    private static final KeySpan PREFIX_A = KeySpan.of(ByteString.copyFromUtf8("a/"), ByteString.copyFromUtf8("a0"));

    private final RecordedHistory history = new RecordedHistory();

    @Test
    void aReaderFromAnyRevisionGetsEveryEventOfItsSpanOnceInOrderFromBufferAndHistory() {
        WatchHub hub = new WatchHub(history, 1, 0, 8, Long.MAX_VALUE);
        for (long r = 2; r <= 100; r++) {
            hub.publish(List.of(r % 3 == 0 ? history.put(r, "b/" + r) : history.put(r, "a/" + r, "a/x")));
        }
        for (long from = 2; from <= 101; from += 7) {
            List<Event> read = readAll(hub, PREFIX_A, from);
            long first = from;
            assertEquals(
                    history.events(PREFIX_A).stream()
                            .filter(e -> e.getKv().getModRevision() >= first)
                            .toList(),
                    read,
                    "from " + from);
        }
        assertTrue(history.reads() > 0, "old revisions must come from the history");
    }

    @Test
    void theBufferDropsItsOldestRevisionsBeyondItsByteLimit() {
        WatchHub hub = new WatchHub(history, 1, 0, 1000, 1000);
        for (long r = 2; r <= 50; r++) {
            hub.publish(List.of(history.put(r, "a/" + r)));
        }
        long before = history.reads();
        hub.read(PREFIX_A, 49);
        assertEquals(before, history.reads(), "recent revisions come from the buffer");
        hub.read(PREFIX_A, 2);
        assertEquals(before + 1, history.reads(), "old revisions were dropped from the buffer");
    }

    @Test
    void aReaderBelowTheCompactRevisionIsToldSo() {
        WatchHub hub = new WatchHub(history, 1, 0, 100, Long.MAX_VALUE);
        for (long r = 2; r <= 10; r++) {
            hub.publish(List.of(history.put(r, "a/" + r)));
        }
        hub.compacted(6);
        assertEquals(new Delivery.Compacted(6), hub.read(PREFIX_A, 5));
        assertEquals(5, ((Delivery.Events) hub.read(PREFIX_A, 6)).events().size());
    }

    @Test
    void aReaderAheadOfTheAppliedRevisionGetsNothingYet() {
        WatchHub hub = new WatchHub(history, 1, 0, 100, Long.MAX_VALUE);
        hub.publish(List.of(history.put(2, "a/1")));
        assertEquals(new Delivery.Events(List.of(), 9), hub.read(PREFIX_A, 10));
    }

    @Test
    void publishingOutOfOrderIsABug() {
        WatchHub hub = new WatchHub(history, 1, 0, 100, Long.MAX_VALUE);
        hub.publish(List.of(history.put(2, "a/1")));
        assertThrows(IllegalStateException.class, () -> hub.publish(List.of(history.put(4, "a/1"))));
        assertThrows(IllegalStateException.class, () -> hub.publish(List.of(history.put(2, "a/1"))));
    }

    @Test
    void subscribersAreWokenAfterEachPublishUntilTheyUnsubscribe() {
        WatchHub hub = new WatchHub(history, 1, 0, 100, Long.MAX_VALUE);
        AtomicInteger wakeUps = new AtomicInteger();
        WatchHub.Subscription subscription = hub.subscribe(wakeUps::incrementAndGet);
        hub.publish(List.of(history.put(2, "a/1"), history.put(3, "a/1")));
        subscription.close();
        hub.publish(List.of(history.put(4, "a/1")));
        assertEquals(1, wakeUps.get());
    }

    static List<Event> readAll(WatchHub hub, KeySpan span, long from) {
        List<Event> events = new ArrayList<>();
        long next = from;
        while (next <= hub.revision()) {
            Delivery.Events delivery = (Delivery.Events) hub.read(span, next);
            events.addAll(delivery.events());
            next = delivery.throughRevision() + 1;
        }
        return events;
    }
}
