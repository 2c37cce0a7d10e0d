package dev.flotilla.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.etcd.etcdserverpb.KVGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.PutRequest;
import dev.flotilla.kv.etcd.etcdserverpb.PutResponse;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import dev.flotilla.kv.etcd.mvccpb.Event;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A watcher on the leader while writers write: the leader stops (its watch stream breaks, the watcher resumes on a
 * follower from its last revision + 1), comes back (the watcher moves back to the restarted node, which serves the
 * missing revisions from its own history), and the writers carry on throughout. The watcher's events must be exactly
 * the range's history: every revision once, in order, each acknowledged write at its revision.
 */
class WatchFailoverTest {
    private static final ByteString PREFIX = ByteString.copyFromUtf8("f/");
    private static final ByteString PREFIX_END = ByteString.copyFromUtf8("f0");

    @TempDir
    Path dir;

    @Test
    void aResumingWatcherSeesTheHistoryWithoutGapsOrRepeatsAcrossLeaderStopAndRestart() throws Exception {
        long seed = Long.getLong("kv.seed", System.nanoTime());
        System.out.println("WatchFailoverTest seed: " + seed + " (replay with -Dkv.seed=" + seed + ")");
        try (LocalCluster cluster = new LocalCluster(dir, 3, LocalCluster.fastTiming())) {
            long leader = cluster.awaitLeader();
            long start = cluster.kv(leader).put(put("f/start", "0")).getHeader().getRevision();
            ResumingWatcher watcher = new ResumingWatcher(PREFIX, PREFIX_END, start);
            watcher.connect(cluster.channel(leader));
            Map<Long, PutRequest> acknowledged = new ConcurrentHashMap<>();
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Thread> writers = List.of(
                    writer(cluster, 1, new Random(seed), writing, acknowledged),
                    writer(cluster, 2, new Random(seed + 1), writing, acknowledged));
            writers.forEach(Thread::start);

            Thread.sleep(1000);
            cluster.stop(leader);
            long other = leader == 1 ? 2 : 1;
            watcher.connect(cluster.channel(other));
            Thread.sleep(1500);
            cluster.start(leader);
            watcher.connect(cluster.channel(leader));
            Thread.sleep(1000);
            writing.set(false);
            for (Thread writer : writers) {
                writer.join();
            }

            long last = cluster.kv(other)
                    .range(RangeRequest.newBuilder()
                            .setKey(PREFIX)
                            .setRangeEnd(PREFIX_END)
                            .build())
                    .getHeader()
                    .getRevision();
            watcher.awaitRevision(last, 20_000);
            watcher.close();
            List<Event> events = watcher.events();
            assertEquals(List.of(), watcher.problems());
            for (int i = 0; i < events.size(); i++) {
                assertEquals(start + i, events.get(i).getKv().getModRevision(), "event " + i + ": a gap or a repeat");
            }
            assertEquals(last, events.get(events.size() - 1).getKv().getModRevision());
            for (Map.Entry<Long, PutRequest> ack : acknowledged.entrySet()) {
                Event event = events.get((int) (ack.getKey() - start));
                assertEquals(ack.getValue().getKey(), event.getKv().getKey());
                assertEquals(ack.getValue().getValue(), event.getKv().getValue());
            }
            assertTrue(acknowledged.size() > 20, "too few writes to mean anything: " + acknowledged.size());
            System.out.println(
                    "WatchFailoverTest: " + events.size() + " events, " + acknowledged.size() + " acknowledged");
        }
    }

    /** Puts f/<id>/<n> to random live nodes until told to stop; failures (a stopped node, an election) are retried. */
    private static Thread writer(
            LocalCluster cluster, int id, Random random, AtomicBoolean writing, Map<Long, PutRequest> acknowledged) {
        return new Thread(() -> {
            int n = 0;
            while (writing.get()) {
                PutRequest put = put("f/" + id + "/" + n++, "v" + n);
                long node = 1 + random.nextInt(3);
                if (cluster.server(node) == null) {
                    continue;
                }
                try {
                    KVGrpc.KVBlockingStub kv =
                            KVGrpc.newBlockingStub(cluster.channel(node)).withDeadlineAfter(2, TimeUnit.SECONDS);
                    PutResponse response = kv.put(put);
                    acknowledged.put(response.getHeader().getRevision(), put);
                } catch (RuntimeException e) {
                    sleep(20);
                }
            }
        });
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static PutRequest put(String key, String value) {
        return PutRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8(key))
                .setValue(ByteString.copyFromUtf8(value))
                .build();
    }
}
