package dev.flotilla.kv.watch;

import dev.flotilla.kv.etcd.mvccpb.Event;
import java.util.List;

/**
 * The changes one revision made to a range, as watch events: ordered by key (a revision changes each key at most once),
 * each with its previous version where the key had one.
 */
public record RevisionEvents(long revision, List<Event> events) {
    public RevisionEvents {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("revision " + revision + " without events");
        }
        events = List.copyOf(events);
    }

    /** A rough size in memory, for bounding the buffer of recent revisions. */
    long sizeBytes() {
        long bytes = 64;
        for (Event event : events) {
            bytes += 96
                    + event.getKv().getKey().size()
                    + event.getKv().getValue().size();
            bytes += event.getPrevKv().getKey().size()
                    + event.getPrevKv().getValue().size();
        }
        return bytes;
    }
}
