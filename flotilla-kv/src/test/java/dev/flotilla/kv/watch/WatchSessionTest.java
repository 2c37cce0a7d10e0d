package dev.flotilla.kv.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.KeySpan;
import dev.flotilla.kv.etcd.etcdserverpb.ResponseHeader;
import dev.flotilla.kv.etcd.etcdserverpb.WatchCancelRequest;
import dev.flotilla.kv.etcd.etcdserverpb.WatchCreateRequest;
import dev.flotilla.kv.etcd.etcdserverpb.WatchProgressRequest;
import dev.flotilla.kv.etcd.etcdserverpb.WatchRequest;
import dev.flotilla.kv.etcd.etcdserverpb.WatchResponse;
import dev.flotilla.kv.etcd.mvccpb.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The etcd watch protocol of one stream, run on the calling thread against a hub with a tiny buffer. */
class WatchSessionTest {
    private static final ByteString PREFIX = ByteString.copyFromUtf8("a/");
    private static final ByteString PREFIX_END = ByteString.copyFromUtf8("a0");

    private final RecordedHistory history = new RecordedHistory();
    private final WatchHub hub = new WatchHub(history, 1, 0, 4, Long.MAX_VALUE);
    private final FakeOutbox outbox = new FakeOutbox();
    private final WatchSession session = new WatchSession(new OneRange(), outbox, Runnable::run, 200);
    private long revision = 1;

    @Test
    void aSlowWatcherGetsEveryEventInRevisionOrderWithoutGapsOrRepeats() {
        long seed = Long.getLong("kv.seed", System.nanoTime());
        System.out.println("WatchSessionTest seed: " + seed + " (replay with -Dkv.seed=" + seed + ")");
        Random random = new Random(seed);
        session.receive(create(WatchCreateRequest.newBuilder().setKey(PREFIX).setRangeEnd(PREFIX_END)));
        for (int i = 0; i < 300; i++) {
            if (i % 10 == 0) {
                outbox.ready = random.nextInt(3) != 0; // the client is often slow for a while
                if (outbox.ready) {
                    session.ready();
                }
            }
            String key = (random.nextBoolean() ? "a/" : "b/") + random.nextInt(5);
            hub.publish(
                    List.of(random.nextInt(5) == 0 ? history.delete(++revision, key) : history.put(++revision, key)));
        }
        outbox.ready = true;
        session.ready();
        KeySpan span = KeySpan.of(PREFIX, PREFIX_END);
        assertEquals(stripPrevKv(history.events(span)), outbox.events(0));
        assertTrue(history.reads() > 0, "the test must exercise the catch-up from history");
    }

    @Test
    void startRevisionReplaysHistoryAndFiltersAndPrevKvApply() {
        publishPuts("a/1", "a/2");
        hub.publish(List.of(history.delete(++revision, "a/1")));
        publishPuts("a/3");
        session.receive(create(WatchCreateRequest.newBuilder()
                .setKey(PREFIX)
                .setRangeEnd(PREFIX_END)
                .setStartRevision(2)
                .setPrevKv(true)
                .addFilters(WatchCreateRequest.FilterType.NOPUT)));
        List<Event> events = outbox.events(0);
        assertEquals(1, events.size());
        assertEquals(Event.EventType.DELETE, events.get(0).getType());
        session.receive(create(WatchCreateRequest.newBuilder()
                .setKey(PREFIX)
                .setRangeEnd(PREFIX_END)
                .setStartRevision(2)
                .addFilters(WatchCreateRequest.FilterType.NODELETE)));
        List<Event> puts = outbox.events(1);
        assertEquals(3, puts.size());
        assertTrue(puts.stream().noneMatch(Event::hasPrevKv), "prev_kv only when asked");
    }

    @Test
    void watchIdsAreAssignedFromZeroSkippingClientChosenOnesAndDuplicatesAreRefused() {
        session.receive(create(WatchCreateRequest.newBuilder().setKey(PREFIX).setWatchId(1)));
        session.receive(create(WatchCreateRequest.newBuilder().setKey(PREFIX)));
        session.receive(create(WatchCreateRequest.newBuilder().setKey(PREFIX)));
        session.receive(create(WatchCreateRequest.newBuilder().setKey(PREFIX).setWatchId(2)));
        List<WatchResponse> created = outbox.sent;
        assertEquals(
                List.of(1L, 0L, 2L, -1L),
                created.stream().map(WatchResponse::getWatchId).toList());
        assertTrue(created.get(3).getCanceled());
        assertEquals(WatchSession.DUPLICATE_ID, created.get(3).getCancelReason());
    }

    @Test
    void anEmptyRangeIsRefused() {
        session.receive(
                create(WatchCreateRequest.newBuilder().setKey(PREFIX_END).setRangeEnd(PREFIX)));
        WatchResponse refused = outbox.sent.get(0);
        assertTrue(refused.getCreated() && refused.getCanceled());
        assertEquals(WatchSession.EMPTY_RANGE, refused.getCancelReason());
    }

    @Test
    void aCanceledWatcherGetsNoMoreEvents() {
        session.receive(create(WatchCreateRequest.newBuilder().setKey(PREFIX).setRangeEnd(PREFIX_END)));
        session.receive(WatchRequest.newBuilder()
                .setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(0))
                .build());
        publishPuts("a/1");
        assertEquals(2, outbox.sent.size());
        assertTrue(outbox.sent.get(1).getCanceled());
    }

    @Test
    void aStartRevisionBelowTheCompactionCancelsWithTheCompactRevision() {
        publishPuts("a/1", "a/2", "a/3");
        hub.compacted(3);
        session.receive(create(WatchCreateRequest.newBuilder().setKey(PREFIX).setStartRevision(2)));
        assertTrue(outbox.sent.get(0).getCreated());
        WatchResponse canceled = outbox.sent.get(1);
        assertTrue(canceled.getCanceled());
        assertEquals(3, canceled.getCompactRevision());
    }

    @Test
    void largeRevisionsAreFragmentedForClientsThatAskAndOnlyForThem() {
        String[] keys = new String[10];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = "a/" + "x".repeat(50) + i;
        }
        session.receive(create(WatchCreateRequest.newBuilder()
                .setKey(PREFIX)
                .setRangeEnd(PREFIX_END)
                .setFragment(true)));
        session.receive(create(WatchCreateRequest.newBuilder().setKey(PREFIX).setRangeEnd(PREFIX_END)));
        hub.publish(List.of(history.put(++revision, keys)));
        List<WatchResponse> fragmented = outbox.sent.stream()
                .filter(r -> r.getWatchId() == 0 && !r.getCreated())
                .toList();
        assertTrue(fragmented.size() > 1, "one revision of ~600 bytes with fragments of 200 bytes");
        for (int i = 0; i < fragmented.size(); i++) {
            assertEquals(i < fragmented.size() - 1, fragmented.get(i).getFragment());
        }
        assertEquals(
                10, fragmented.stream().mapToInt(WatchResponse::getEventsCount).sum());
        List<WatchResponse> whole = outbox.sent.stream()
                .filter(r -> r.getWatchId() == 1 && !r.getCreated())
                .toList();
        assertEquals(1, whole.size());
        assertFalse(whole.get(0).getFragment());
    }

    @Test
    void aBacklogIsSentInResponsesCutBetweenRevisions() {
        outbox.ready = false;
        session.receive(create(WatchCreateRequest.newBuilder().setKey(PREFIX).setRangeEnd(PREFIX_END)));
        for (int i = 0; i < 20; i++) {
            publishPuts("a/" + "y".repeat(60) + i);
        }
        outbox.ready = true;
        session.ready();
        List<WatchResponse> responses =
                outbox.sent.stream().filter(r -> !r.getCreated()).toList();
        assertTrue(responses.size() > 1, "20 events of ~80 bytes with a limit of 200 bytes");
        assertTrue(responses.stream().allMatch(r -> r.getSerializedSize() < 400 && !r.getFragment()));
        assertEquals(20, outbox.events(0).size());
        for (WatchResponse response : responses) {
            List<Event> events = response.getEventsList();
            assertEquals(
                    events.get(events.size() - 1).getKv().getModRevision(),
                    response.getHeader().getRevision());
        }
    }

    @Test
    void aProgressRequestReportsARevisionEveryWatcherHasReached() {
        session.receive(create(WatchCreateRequest.newBuilder().setKey(PREFIX).setRangeEnd(PREFIX_END)));
        outbox.ready = false;
        publishPuts("a/1", "a/2");
        outbox.ready = true;
        session.receive(WatchRequest.newBuilder()
                .setProgressRequest(WatchProgressRequest.getDefaultInstance())
                .build());
        WatchResponse progress = outbox.sent.get(outbox.sent.size() - 1);
        assertEquals(WatchSession.NO_WATCHER, progress.getWatchId());
        assertEquals(revision, progress.getHeader().getRevision());
        assertEquals(2, outbox.events(0).size(), "the events come before the progress answer");
    }

    @Test
    void progressNotificationsGoToIdleCaughtUpWatchersThatAskedForThem() {
        session.receive(create(WatchCreateRequest.newBuilder().setKey(PREFIX).setProgressNotify(true)));
        session.receive(create(WatchCreateRequest.newBuilder().setKey(ByteString.copyFromUtf8("other"))));
        publishPuts("b/1");
        session.progressTick();
        session.progressTick();
        List<WatchResponse> notes =
                outbox.sent.stream().filter(r -> !r.getCreated()).toList();
        assertEquals(2, notes.size());
        assertTrue(notes.stream().allMatch(r -> r.getWatchId() == 0 && r.getEventsCount() == 0));
        assertEquals(revision, notes.get(0).getHeader().getRevision());
    }

    private void publishPuts(String... keys) {
        for (String key : keys) {
            hub.publish(List.of(history.put(++revision, key)));
        }
    }

    private static WatchRequest create(WatchCreateRequest.Builder create) {
        return WatchRequest.newBuilder().setCreateRequest(create).build();
    }

    private static List<Event> stripPrevKv(List<Event> events) {
        return events.stream().map(e -> e.toBuilder().clearPrevKv().build()).toList();
    }

    private final class OneRange implements WatchSession.Ranges {
        @Override
        public WatchHub hub(KeySpan span) {
            return hub;
        }

        @Override
        public ResponseHeader header(KeySpan span, long revision) {
            return ResponseHeader.newBuilder().setRevision(revision).build();
        }
    }

    private static final class FakeOutbox implements WatchSession.Outbox {
        final List<WatchResponse> sent = new ArrayList<>();
        boolean ready = true;

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public void send(WatchResponse response) {
            sent.add(response);
        }

        /** The events sent to one watcher, checking that their revisions never go back. */
        List<Event> events(long watchId) {
            List<Event> events = sent.stream()
                    .filter(r -> r.getWatchId() == watchId)
                    .flatMap(r -> r.getEventsList().stream())
                    .toList();
            for (int i = 1; i < events.size(); i++) {
                assertTrue(events.get(i - 1).getKv().getModRevision()
                        < events.get(i).getKv().getModRevision());
            }
            return events;
        }
    }
}
