package dev.flotilla.kv.watch;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.KeySpan;
import dev.flotilla.kv.etcd.mvccpb.Event;
import dev.flotilla.kv.etcd.mvccpb.KeyValue;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in for a range's stored history: every revision ever published, kept in memory, so a hub with a tiny buffer
 * can be tested on both of its paths. Also makes the revisions: puts and deletes of given keys.
 */
final class RecordedHistory implements History {
    private final List<RevisionEvents> revisions = new ArrayList<>();
    private long compactRevision;
    private long reads;

    /** The next revision: a put of each of {@code keys} (value = the revision), appended to the record. */
    RevisionEvents put(long revision, String... keys) {
        List<Event> events = new ArrayList<>();
        for (String key : keys) {
            events.add(Event.newBuilder()
                    .setType(Event.EventType.PUT)
                    .setKv(KeyValue.newBuilder()
                            .setKey(ByteString.copyFromUtf8(key))
                            .setValue(ByteString.copyFromUtf8(Long.toString(revision)))
                            .setModRevision(revision))
                    .setPrevKv(KeyValue.newBuilder().setKey(ByteString.copyFromUtf8(key)))
                    .build());
        }
        return record(new RevisionEvents(revision, events));
    }

    RevisionEvents delete(long revision, String key) {
        return record(new RevisionEvents(
                revision,
                List.of(Event.newBuilder()
                        .setType(Event.EventType.DELETE)
                        .setKv(KeyValue.newBuilder()
                                .setKey(ByteString.copyFromUtf8(key))
                                .setModRevision(revision))
                        .build())));
    }

    private synchronized RevisionEvents record(RevisionEvents changes) {
        revisions.add(changes);
        return changes;
    }

    synchronized void compact(long revision) {
        compactRevision = revision;
    }

    synchronized long reads() {
        return reads;
    }

    /** Every recorded event of {@code span}, in order: what a watcher from the first revision must receive. */
    synchronized List<Event> events(KeySpan span) {
        return revisions.stream()
                .flatMap(r -> r.events().stream())
                .filter(e -> span.contains(e.getKv().getKey()))
                .toList();
    }

    @Override
    public synchronized Delivery read(KeySpan span, long from, long to) {
        reads++;
        if (from < compactRevision) {
            return new Delivery.Compacted(compactRevision);
        }
        List<Event> events = revisions.stream()
                .filter(r -> r.revision() >= from && r.revision() <= to)
                .flatMap(r -> r.events().stream())
                .filter(e -> span.contains(e.getKv().getKey()))
                .toList();
        return new Delivery.Events(events, to);
    }
}
