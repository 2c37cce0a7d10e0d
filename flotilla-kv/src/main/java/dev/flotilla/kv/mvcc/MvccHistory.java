package dev.flotilla.kv.mvcc;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.KeySpan;
import dev.flotilla.kv.etcd.mvccpb.Event;
import dev.flotilla.kv.etcd.mvccpb.KeyValue;
import dev.flotilla.kv.watch.Delivery;
import dev.flotilla.kv.watch.History;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A range's history of changes read back from its stored versions: each version at a revision in the asked window is
 * an event (a tombstone a delete), and the next older version of the same key, if live, is its previous value. Versions
 * above the compact revision are all kept, so the history above it is complete.
 */
final class MvccHistory implements History {
    private final MvccDatabase database;
    private final long rangeId;

    MvccHistory(MvccDatabase database, long rangeId) {
        this.database = database;
        this.rangeId = rangeId;
    }

    @Override
    public Delivery read(KeySpan span, long from, long to) {
        return database.readSnapshot(rangeId, txn -> {
            if (from < txn.meta().compactRevision()) {
                return new Delivery.Compacted(txn.meta().compactRevision());
            }
            return new Delivery.Events(txn.history(span, from, to), to);
        });
    }

    /** Pairs each version in the window with the older version that follows it in the scan. */
    static final class Collector implements MvccReader.Visitor {
        private final long from;
        private final long to;
        private final List<Event> events = new ArrayList<>();
        private Event.Builder pending;
        private ByteString pendingKey;

        Collector(long from, long to) {
            this.from = from;
            this.to = to;
        }

        @Override
        public boolean visit(ByteString key, long modRevision, StoredVersion version) {
            if (pending != null && key.equals(pendingKey) && !version.tombstone()) {
                pending.setPrevKv(version.toKeyValue(key, modRevision));
            }
            finishPending();
            if (modRevision >= from && modRevision <= to) {
                pending = version.tombstone()
                        ? Event.newBuilder()
                                .setType(Event.EventType.DELETE)
                                .setKv(KeyValue.newBuilder().setKey(key).setModRevision(modRevision))
                        : Event.newBuilder().setType(Event.EventType.PUT).setKv(version.toKeyValue(key, modRevision));
                pendingKey = key;
            }
            return true;
        }

        List<Event> events() {
            finishPending();
            List<Event> sorted = new ArrayList<>(events);
            sorted.sort(Comparator.comparingLong((Event e) -> e.getKv().getModRevision())
                    .thenComparing(e -> e.getKv().getKey(), ByteString.unsignedLexicographicalComparator()));
            return sorted;
        }

        private void finishPending() {
            if (pending != null) {
                events.add(pending.build());
                pending = null;
                pendingKey = null;
            }
        }
    }
}
