package dev.flotilla.kv.watch;

import dev.flotilla.kv.KeySpan;
import dev.flotilla.kv.etcd.etcdserverpb.WatchCreateRequest;
import dev.flotilla.kv.etcd.mvccpb.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * One watch of a {@link WatchSession}: what it asked for and how far it has been sent. Its only state beyond the
 * request is its position, so a watcher costs a few hundred bytes however far behind it is. Used on its session's
 * serial executor only.
 */
final class Watcher {
    final long id;
    final KeySpan span;
    final WatchHub hub;
    private final boolean noPut;
    private final boolean noDelete;
    final boolean prevKv;
    final boolean fragment;
    final boolean progressNotify;
    /** The next revision to send. */
    long next;
    /** Whether anything was sent since the last progress tick. */
    boolean sentSinceTick;

    Watcher(long id, KeySpan span, WatchHub hub, WatchCreateRequest request, long next) {
        this.id = id;
        this.span = span;
        this.hub = hub;
        this.noPut = request.getFiltersList().contains(WatchCreateRequest.FilterType.NOPUT);
        this.noDelete = request.getFiltersList().contains(WatchCreateRequest.FilterType.NODELETE);
        this.prevKv = request.getPrevKv();
        this.fragment = request.getFragment();
        this.progressNotify = request.getProgressNotify();
        this.next = next;
    }

    /** The events this watcher wants, out of those of its span: filters applied, previous values dropped unless asked. */
    List<Event> select(List<Event> events) {
        List<Event> selected = new ArrayList<>(events.size());
        for (Event event : events) {
            boolean put = event.getType() == Event.EventType.PUT;
            if ((put && noPut) || (!put && noDelete)) {
                continue;
            }
            selected.add(
                    prevKv || !event.hasPrevKv()
                            ? event
                            : event.toBuilder().clearPrevKv().build());
        }
        return selected;
    }

    /** Whether every applied revision has been sent. */
    boolean caughtUp() {
        return next > hub.revision();
    }
}
