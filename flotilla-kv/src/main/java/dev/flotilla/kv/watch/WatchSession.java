package dev.flotilla.kv.watch;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.KeySpan;
import dev.flotilla.kv.etcd.etcdserverpb.ResponseHeader;
import dev.flotilla.kv.etcd.etcdserverpb.WatchCancelRequest;
import dev.flotilla.kv.etcd.etcdserverpb.WatchCreateRequest;
import dev.flotilla.kv.etcd.etcdserverpb.WatchRequest;
import dev.flotilla.kv.etcd.etcdserverpb.WatchResponse;
import dev.flotilla.kv.etcd.mvccpb.Event;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One etcd watch stream: the watchers a client created on it, and the delivery of their events.
 *
 * <p><b>Threads.</b> {@link #receive}, {@link #ready}, {@link #progressTick} and {@link #close} may be called from any
 * thread; everything they do runs on one serial executor per session over a shared pool, so the session's state and
 * its {@link Outbox} are used by one thread at a time. Hubs wake the session after each applied batch; the wake-up only
 * schedules a delivery.
 *
 * <p><b>Delivery.</b> Each watcher keeps its position (the next revision to send) and reads from its range's {@link
 * WatchHub} from there, in revision order, so a watcher never sees a gap or a repeat. Deliveries stop while the
 * outbox is not ready (the client or network is slow): the watcher falls behind without any buffer of its own, and
 * catches up later from the hub's buffer or, once that has moved on, from the stored history; if the history it needs
 * was compacted meanwhile it is cancelled with the compact revision, as etcd does.
 */
public final class WatchSession implements AutoCloseable {
    /** etcd's id for a response that concerns no single watcher (an answer to a progress request). */
    static final long NO_WATCHER = -1;

    static final String EMPTY_RANGE = "mvcc: watcher range is empty";
    static final String DUPLICATE_ID = "mvcc: duplicate watch ID provided on the WatchStream";
    /** Followed by the revision to resume from. */
    static final String SPLIT_REASON = "flotilla: the watched range was split; watch again from revision ";

    /** Where the session's responses go. Called on the session's serial executor only. */
    public interface Outbox {
        /** Whether the client can take more now; when it cannot, call {@link #ready} once it can. */
        boolean isReady();

        void send(WatchResponse response);
    }

    /** Which hub serves a key span, and the header of a response at a revision of that span's range. */
    public interface Ranges {
        WatchHub hub(KeySpan span);

        ResponseHeader header(KeySpan span, long revision);
    }

    private static final KeySpan EVERY_KEY = KeySpan.of(ByteString.EMPTY, ByteString.copyFrom(new byte[] {0}));

    private final Ranges ranges;
    private final Outbox outbox;
    private final int fragmentBytes;
    private final SerialExecutor serial;
    private final Map<Long, Watcher> watchers = new LinkedHashMap<>();
    private final Map<WatchHub, WatchHub.Subscription> subscriptions = new IdentityHashMap<>();
    private final AtomicBoolean deliveryScheduled = new AtomicBoolean();
    private long nextAutoId;
    private boolean closed;

    /**
     * @param fragmentBytes the largest response a watcher that asked for {@code fragment} gets in one piece
     */
    public WatchSession(Ranges ranges, Outbox outbox, Executor pool, int fragmentBytes) {
        this.ranges = ranges;
        this.outbox = outbox;
        this.fragmentBytes = fragmentBytes;
        this.serial = new SerialExecutor(pool);
    }

    /** Handles one request of the client's stream. */
    public void receive(WatchRequest request) {
        serial.execute(() -> {
            if (closed) {
                return;
            }
            switch (request.getRequestUnionCase()) {
                case CREATE_REQUEST -> create(request.getCreateRequest());
                case CANCEL_REQUEST -> cancel(request.getCancelRequest());
                case PROGRESS_REQUEST -> progress();
                case REQUESTUNION_NOT_SET -> {}
            }
        });
    }

    /** The outbox can take more: resume deliveries. */
    public void ready() {
        scheduleDelivery();
    }

    /**
     * Sends a progress notification to each watcher that asked for them, is caught up, and was sent nothing since the
     * previous tick. Called periodically (etcd's interval is ten minutes).
     */
    public void progressTick() {
        serial.execute(() -> {
            if (closed || !outbox.isReady()) {
                return;
            }
            for (Watcher watcher : watchers.values()) {
                if (watcher.progressNotify && !watcher.sentSinceTick && watcher.caughtUp()) {
                    outbox.send(response(watcher, watcher.next - 1).build());
                }
                watcher.sentSinceTick = false;
            }
        });
    }

    /** Ends the session: its watchers stop. */
    @Override
    public void close() {
        close(() -> {});
    }

    /** Ends the session, then runs {@code then} on the session's executor, after anything the session sent. */
    public void close(Runnable then) {
        serial.execute(() -> {
            closed = true;
            watchers.clear();
            subscriptions.values().forEach(WatchHub.Subscription::close);
            subscriptions.clear();
            then.run();
        });
    }

    private void create(WatchCreateRequest request) {
        KeySpan span = KeySpan.of(request.getKey(), request.getRangeEnd());
        if (span.end().isPresent()
                && ByteString.unsignedLexicographicalComparator()
                                .compare(span.start(), span.end().get())
                        >= 0) {
            refuse(span, EMPTY_RANGE);
            return;
        }
        long id = request.getWatchId();
        if (id == 0) {
            while (watchers.containsKey(nextAutoId)) {
                nextAutoId++;
            }
            id = nextAutoId++;
        } else if (watchers.containsKey(id)) {
            refuse(span, DUPLICATE_ID);
            return;
        }
        WatchHub hub = ranges.hub(span);
        long current = hub.revision();
        long start = request.getStartRevision() > 0 ? request.getStartRevision() : current + 1;
        Watcher watcher = new Watcher(id, span, hub, request, start);
        watchers.put(id, watcher);
        subscriptions.computeIfAbsent(hub, h -> h.subscribe(this::scheduleDelivery));
        outbox.send(WatchResponse.newBuilder()
                .setHeader(ranges.header(span, current))
                .setWatchId(id)
                .setCreated(true)
                .build());
        scheduleDelivery();
    }

    /** Answers a create request with a watch canceled at creation for {@code reason}, in order with the rest. */
    public void refuse(WatchCreateRequest request, String reason) {
        serial.execute(() -> {
            if (!closed) {
                refuse(KeySpan.of(request.getKey(), request.getRangeEnd()), reason);
            }
        });
    }

    private void refuse(KeySpan span, String reason) {
        outbox.send(WatchResponse.newBuilder()
                .setHeader(ranges.header(span, ranges.hub(span).revision()))
                .setWatchId(NO_WATCHER)
                .setCreated(true)
                .setCanceled(true)
                .setCancelReason(reason)
                .build());
    }

    private void cancel(WatchCancelRequest request) {
        Watcher watcher = watchers.remove(request.getWatchId());
        if (watcher != null) {
            outbox.send(
                    response(watcher, watcher.hub.revision()).setCanceled(true).build());
        }
    }

    /**
     * Answers a progress request with a revision every watcher of the session has been sent up to: the client may
     * take it as "nothing else happened up to here" for all of them.
     */
    private void progress() {
        deliver();
        long revision = watchers.values().stream()
                .mapToLong(w -> w.next - 1)
                .min()
                .orElseGet(() -> ranges.hub(EVERY_KEY).revision());
        outbox.send(WatchResponse.newBuilder()
                .setHeader(ranges.header(EVERY_KEY, revision))
                .setWatchId(NO_WATCHER)
                .build());
    }

    private void scheduleDelivery() {
        if (deliveryScheduled.compareAndSet(false, true)) {
            serial.execute(() -> {
                deliveryScheduled.set(false);
                if (!closed) {
                    deliver();
                }
            });
        }
    }

    /** One step for each watcher that is behind; schedules another if any still is. */
    private void deliver() {
        boolean behind = false;
        for (Watcher watcher : new ArrayList<>(watchers.values())) {
            if (!outbox.isReady()) {
                return; // ready() resumes
            }
            if (!watcher.hub.owns(watcher.span)) {
                // Its range was split: the keys beyond the split have their history, at the same revisions, in the
                // new range, where the client resumes from its position.
                watchers.remove(watcher.id);
                outbox.send(response(watcher, watcher.hub.revision())
                        .setCanceled(true)
                        .setCancelReason(SPLIT_REASON + watcher.next)
                        .build());
                continue;
            }
            if (watcher.caughtUp()) {
                continue;
            }
            Delivery delivery = watcher.hub.read(watcher.span, watcher.next);
            if (delivery instanceof Delivery.Compacted compacted) {
                watchers.remove(watcher.id);
                outbox.send(response(watcher, watcher.hub.revision())
                        .setCanceled(true)
                        .setCompactRevision(compacted.compactRevision())
                        .build());
                continue;
            }
            Delivery.Events events = (Delivery.Events) delivery;
            send(watcher, watcher.select(events.events()), events.throughRevision());
            watcher.next = events.throughRevision() + 1;
            behind |= !watcher.caughtUp();
        }
        if (behind) {
            scheduleDelivery();
        }
    }

    /**
     * Sends a watcher's events in responses of about {@code fragmentBytes} at most, cut between revisions, so that no
     * client gets a message larger than it accepts; a single revision larger than that goes in one response, or in
     * fragments to a watcher that asked for them.
     */
    private void send(Watcher watcher, List<Event> events, long throughRevision) {
        if (events.isEmpty()) {
            return;
        }
        watcher.sentSinceTick = true;
        List<List<Event>> batches = split(events, true);
        for (int b = 0; b < batches.size(); b++) {
            List<Event> batch = batches.get(b);
            long revision = b == batches.size() - 1
                    ? throughRevision
                    : batch.get(batch.size() - 1).getKv().getModRevision();
            List<List<Event>> pieces = watcher.fragment ? split(batch, false) : List.of(batch);
            for (int i = 0; i < pieces.size(); i++) {
                outbox.send(response(watcher, revision)
                        .addAllEvents(pieces.get(i))
                        .setFragment(i < pieces.size() - 1)
                        .build());
            }
        }
    }

    /**
     * Splits events into pieces of at most {@code fragmentBytes} each, never fewer than one event per piece; with
     * {@code betweenRevisions}, only where the revision changes.
     */
    private List<List<Event>> split(List<Event> events, boolean betweenRevisions) {
        List<List<Event>> pieces = new ArrayList<>();
        List<Event> piece = new ArrayList<>();
        long bytes = 0;
        for (Event event : events) {
            int size = event.getSerializedSize();
            boolean cuttable = !piece.isEmpty()
                    && (!betweenRevisions
                            || piece.get(piece.size() - 1).getKv().getModRevision()
                                    != event.getKv().getModRevision());
            if (cuttable && bytes + size > fragmentBytes) {
                pieces.add(piece);
                piece = new ArrayList<>();
                bytes = 0;
            }
            piece.add(event);
            bytes += size;
        }
        pieces.add(piece);
        return pieces;
    }

    private WatchResponse.Builder response(Watcher watcher, long revision) {
        return WatchResponse.newBuilder()
                .setHeader(ranges.header(watcher.span, revision))
                .setWatchId(watcher.id);
    }
}
