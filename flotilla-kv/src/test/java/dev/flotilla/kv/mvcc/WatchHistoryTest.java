package dev.flotilla.kv.mvcc;

import static dev.flotilla.kv.mvcc.StoreFixture.RANGE;
import static dev.flotilla.kv.mvcc.StoreFixture.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.KeySpan;
import dev.flotilla.kv.etcd.etcdserverpb.PutRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RequestOp;
import dev.flotilla.kv.etcd.etcdserverpb.TxnRequest;
import dev.flotilla.kv.etcd.mvccpb.Event;
import dev.flotilla.kv.watch.Delivery;
import dev.flotilla.kv.watch.WatchHub;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The events the state machine publishes as it applies equal the events read back from the stored versions (what a
 * watcher that fell behind receives), prev_kv included, for random puts, deletes, Txns, leases and compactions.
 */
class WatchHistoryTest {
    private static final List<String> KEYS = List.of("a", "a\0", "ab", "b", "b/1", "b/2", "c");

    @TempDir
    Path dir;

    @Test
    void publishedEventsEqualTheStoredHistory() throws Exception {
        long seed = Long.getLong("kv.seed", System.nanoTime());
        System.out.println("WatchHistoryTest seed: " + seed + " (replay with -Dkv.seed=" + seed + ")");
        Random random = new Random(seed);
        try (StoreFixture store = new StoreFixture(dir)) {
            MvccDatabase database = (MvccDatabase) store.store();
            WatchHub hub = store.store().watchHub(RANGE);
            long compacted = 0;
            for (int step = 0; step < 300; step++) {
                int op = random.nextInt(10);
                if (op < 5) {
                    store.put(pick(random), "v" + step);
                } else if (op < 7) {
                    store.delete(pick(random), random.nextBoolean() ? "" : pick(random));
                } else if (op < 9) {
                    store.txn(TxnRequest.newBuilder()
                            .addSuccess(put(pick(random) + "/t", step))
                            .addSuccess(put(pick(random) + "/u", step))
                            .build());
                } else if (hub.revision() > compacted + 5) {
                    compacted = hub.revision() - 5;
                    store.compact(compacted);
                }
            }
            KeySpan span = KeySpan.of(bytes("a"), bytes("b/2"));
            long from = compacted + 1;
            List<Event> published = readAll(hub, span, from);
            Delivery stored = new MvccHistory(database, RANGE).read(span, from, hub.revision());
            assertEquals(published, ((Delivery.Events) stored).events(), "seed " + seed);
            assertEquals(
                    new Delivery.Compacted(compacted),
                    new MvccHistory(database, RANGE).read(span, compacted - 1, hub.revision()));
        }
    }

    private static List<Event> readAll(WatchHub hub, KeySpan span, long from) {
        List<Event> events = new ArrayList<>();
        long next = from;
        while (next <= hub.revision()) {
            Delivery.Events delivery = (Delivery.Events) hub.read(span, next);
            events.addAll(delivery.events());
            next = delivery.throughRevision() + 1;
        }
        return events;
    }

    private static RequestOp put(String key, int step) {
        return RequestOp.newBuilder()
                .setRequestPut(PutRequest.newBuilder().setKey(bytes(key)).setValue(ByteString.copyFromUtf8("t" + step)))
                .build();
    }

    private static String pick(Random random) {
        return KEYS.get(random.nextInt(KEYS.size()));
    }
}
