package dev.flotilla.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.admin.ListRangesRequest;
import dev.flotilla.kv.admin.RangeAdminGrpc;
import dev.flotilla.kv.admin.RangeInfo;
import dev.flotilla.kv.admin.SplitRangeRequest;
import dev.flotilla.kv.admin.SplitRangeResponse;
import dev.flotilla.kv.etcd.etcdserverpb.Compare;
import dev.flotilla.kv.etcd.etcdserverpb.PutRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeResponse;
import dev.flotilla.kv.etcd.etcdserverpb.RequestOp;
import dev.flotilla.kv.etcd.etcdserverpb.TxnRequest;
import dev.flotilla.kv.etcd.etcdserverpb.WatchCreateRequest;
import dev.flotilla.kv.etcd.etcdserverpb.WatchGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.WatchRequest;
import dev.flotilla.kv.etcd.etcdserverpb.WatchResponse;
import dev.flotilla.kv.etcd.mvccpb.KeyValue;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real servers in one JVM split their one range while writers write through every node: every acknowledged
 * write stays readable, a prefix read across the split merges both ranges, a Txn across it is refused, each range's
 * replicas hold the same history, and a node restarted after the split hosts both ranges. The writers' keys are
 * random (prints the seed; replay with {@code -Dkv.seed=}).
 */
class RangeSplitClusterTest {
    private static final ByteString SPLIT_KEY = bytes("k5");

    @TempDir
    Path dir;

    @Test
    void splitUnderWriteLoadKeepsEveryAcknowledgedWriteAndReplicasAgree() throws Exception {
        long seed = Long.getLong("kv.seed", System.nanoTime());
        System.out.println("RangeSplitClusterTest seed " + seed + " (replay with -Dkv.seed=" + seed + ")");
        try (LocalCluster cluster = new LocalCluster(dir, 3, LocalCluster.fastTiming())) {
            cluster.awaitLeader();
            Writers writers = new Writers(cluster, seed);
            writers.awaitAcknowledged(60);
            long before = writers.acknowledged().size();
            long started = System.nanoTime();
            SplitRangeResponse split = admin(cluster, 2)
                    .splitRange(SplitRangeRequest.newBuilder().setKey(SPLIT_KEY).build());
            System.out.printf(
                    "the split of a range of %d keys under write load took %d ms%n",
                    before, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            assertEquals(RangeMap.FIRST_RANGE, split.getLeft().getId());
            assertEquals(SPLIT_KEY, split.getLeft().getEnd());
            assertEquals(2, split.getRight().getId(), "the first id the first range gives out");
            assertEquals(SPLIT_KEY, split.getRight().getStart());
            writers.awaitAcknowledged(writers.acknowledged().size() + 60);
            Map<String, String> acknowledged = writers.stop();
            assertTrue(acknowledged.keySet().stream().anyMatch(k -> k.compareTo("k5") >= 0), "writes on both sides");

            cluster.awaitLeader(2);
            for (long node = 1; node <= 3; node++) {
                assertHolds(cluster, node, acknowledged);
            }
            StatusRuntimeException crossing = assertThrows(StatusRuntimeException.class, () -> cluster.kv(1)
                    .txn(TxnRequest.newBuilder()
                            .addCompare(Compare.newBuilder().setKey(bytes("k1")))
                            .addSuccess(RequestOp.newBuilder()
                                    .setRequestPut(PutRequest.newBuilder()
                                            .setKey(bytes("k9"))
                                            .setValue(bytes("x"))))
                            .build()));
            assertEquals(Status.Code.FAILED_PRECONDITION, crossing.getStatus().getCode());
            assertEquals(
                    "flotilla: a Txn spans ranges 1, 2; it must stay within one range",
                    crossing.getStatus().getDescription());
            assertReplicasAgree(cluster, List.of(1L, 2L));

            cluster.stop(3);
            cluster.start(3);
            assertTrue(cluster.server(3).node().groups().containsAll(Set.of(1L, 2L)));
            cluster.awaitLeader(2);
            putWithRetries(cluster, 3, "k9-after-restart", "v");
            acknowledged.put("k9-after-restart", "v");
            assertHolds(cluster, 3, acknowledged);
            assertReplicasAgree(cluster, List.of(1L, 2L));

            List<RangeInfo> listed = admin(cluster, 3)
                    .listRanges(ListRangesRequest.getDefaultInstance())
                    .getRangesList();
            assertEquals(List.of(1L, 2L), listed.stream().map(RangeInfo::getId).toList());
            assertEquals(
                    List.of(ByteString.EMPTY, SPLIT_KEY),
                    listed.stream().map(RangeInfo::getStart).toList());
            assertTrue(listed.stream().allMatch(r -> r.getLeader() != 0 && r.getRevision() > 1), listed.toString());
        }
    }

    @Test
    void aNodeDownDuringTheSplitAppliesItWhenItComesBack() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, LocalCluster.fastTiming())) {
            cluster.awaitLeader();
            Map<String, String> written = new TreeMap<>();
            for (String key : List.of("k1", "k6", "k9")) {
                putWithRetries(cluster, 1, key, "before");
                written.put(key, "before");
            }
            cluster.stop(3);
            cluster.awaitLeader(); // node 3 may have led the range
            admin(cluster, 1)
                    .splitRange(SplitRangeRequest.newBuilder().setKey(SPLIT_KEY).build());
            cluster.awaitLeader(2);
            putWithRetries(cluster, 2, "k7", "while node 3 was down");
            written.put("k7", "while node 3 was down");

            cluster.start(3);
            assertReplicasAgree(cluster, List.of(1L, 2L));
            assertTrue(cluster.server(3).node().groups().containsAll(Set.of(1L, 2L)));
            assertEquals(5, cluster.server(3).store().revision(2), "N went on from R's revision 4");
            assertHolds(cluster, 3, written);
        }
    }

    @Test
    void concurrentSplitsOfDifferentRangesGetDistinctIds() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, LocalCluster.fastTiming())) {
            cluster.awaitLeader();
            admin(cluster, 1)
                    .splitRange(SplitRangeRequest.newBuilder().setKey(SPLIT_KEY).build());
            cluster.awaitLeader(2);
            var left = RangeAdminGrpc.newFutureStub(cluster.channel(1))
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .splitRange(
                            SplitRangeRequest.newBuilder().setKey(bytes("g")).build());
            var right = RangeAdminGrpc.newFutureStub(cluster.channel(3))
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .splitRange(
                            SplitRangeRequest.newBuilder().setKey(bytes("t")).build());
            long leftId = left.get().getRight().getId();
            long rightId = right.get().getRight().getId();
            assertEquals(Set.of(3L, 4L), Set.of(leftId, rightId));
            assertEquals(1, left.get().getLeft().getId());
            assertEquals(2, right.get().getLeft().getId());

            List<RangeInfo> listed = admin(cluster, 2)
                    .listRanges(ListRangesRequest.getDefaultInstance())
                    .getRangesList();
            assertEquals(
                    List.of(1L, leftId, 2L, rightId),
                    listed.stream().map(RangeInfo::getId).toList());
            assertEquals(
                    List.of(ByteString.EMPTY, bytes("g"), SPLIT_KEY, bytes("t")),
                    listed.stream().map(RangeInfo::getStart).toList());
        }
    }

    @Test
    void badSplitRequestsAreRefusedWithClearErrors() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, LocalCluster.fastTiming())) {
            cluster.awaitLeader();
            StatusRuntimeException empty = assertThrows(StatusRuntimeException.class, () -> admin(cluster, 1)
                    .splitRange(SplitRangeRequest.getDefaultInstance()));
            assertEquals(Status.Code.INVALID_ARGUMENT, empty.getStatus().getCode());
            assertEquals(
                    "flotilla: the split key must not be empty",
                    empty.getStatus().getDescription());
            admin(cluster, 1)
                    .splitRange(SplitRangeRequest.newBuilder().setKey(SPLIT_KEY).build());
            StatusRuntimeException again = assertThrows(StatusRuntimeException.class, () -> admin(cluster, 3)
                    .splitRange(SplitRangeRequest.newBuilder().setKey(SPLIT_KEY).build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, again.getStatus().getCode());
            assertEquals(
                    "flotilla: range 2 already starts at 'k5'",
                    again.getStatus().getDescription());
        }
    }

    @Test
    void aWatchSpanningTheSplitIsCanceledAndResumesOnTheNewRange() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, LocalCluster.fastTiming())) {
            cluster.awaitLeader();
            putWithRetries(cluster, 1, "k1", "one"); // revision 2
            putWithRetries(cluster, 1, "k7", "seven"); // revision 3
            BlockingQueue<WatchResponse> responses = new LinkedBlockingQueue<>();
            StreamObserver<WatchRequest> stream =
                    WatchGrpc.newStub(cluster.channel(1)).watch(collect(responses));
            stream.onNext(watch(1, "k", "l", 1));
            stream.onNext(watch(2, "a", "b", 1));
            List<String> spanning = new ArrayList<>();
            while (spanning.size() < 2) {
                WatchResponse response = next(responses);
                response.getEventsList()
                        .forEach(e -> spanning.add(e.getKv().getKey().toStringUtf8()));
            }
            assertEquals(List.of("k1", "k7"), spanning);

            admin(cluster, 2)
                    .splitRange(SplitRangeRequest.newBuilder().setKey(SPLIT_KEY).build());
            WatchResponse canceled = next(responses);
            while (!canceled.getCanceled()) {
                canceled = next(responses);
            }
            assertEquals(1, canceled.getWatchId());
            assertEquals(
                    "flotilla: the watched range was split; watch again from revision 4", canceled.getCancelReason());

            putWithRetries(cluster, 1, "a1", "below the split");
            WatchResponse below = next(responses);
            assertEquals(2, below.getWatchId(), "the watch within the left range goes on");
            assertEquals("a1", below.getEvents(0).getKv().getKey().toStringUtf8());

            cluster.awaitLeader(2);
            stream.onNext(watch(3, "k5", "l", 4));
            putWithRetries(cluster, 3, "k8", "eight");
            WatchResponse resumed = next(responses);
            while (resumed.getEventsCount() == 0) {
                resumed = next(responses);
            }
            assertEquals(3, resumed.getWatchId());
            KeyValue k8 = resumed.getEvents(0).getKv();
            assertEquals("k8", k8.getKey().toStringUtf8());
            assertEquals(4, k8.getModRevision(), "the new range goes on from the revision of the split range");
            stream.onCompleted();
        }
    }

    private static WatchRequest watch(long id, String key, String end, long fromRevision) {
        return WatchRequest.newBuilder()
                .setCreateRequest(WatchCreateRequest.newBuilder()
                        .setWatchId(id)
                        .setKey(bytes(key))
                        .setRangeEnd(bytes(end))
                        .setStartRevision(fromRevision))
                .build();
    }

    private static StreamObserver<WatchResponse> collect(BlockingQueue<WatchResponse> responses) {
        return new StreamObserver<>() {
            @Override
            public void onNext(WatchResponse response) {
                responses.add(response);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
        };
    }

    /** The next watch response that is not a creation confirmation. */
    private static WatchResponse next(BlockingQueue<WatchResponse> responses) throws InterruptedException {
        while (true) {
            WatchResponse response = responses.poll(10, TimeUnit.SECONDS);
            assertTrue(response != null, "no watch response within 10 s");
            if (!response.getCreated()) {
                return response;
            }
        }
    }

    /** Writers of unique keys through every node; a write counts once a node acknowledged it. */
    private static final class Writers {
        private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();
        private final List<Throwable> unexpected = new ArrayList<>();

        Writers(LocalCluster cluster, long seed) {
            for (int w = 0; w < 3; w++) {
                int writer = w;
                Random random = new Random(seed + writer);
                Thread thread = new Thread(() -> {
                    for (int seq = 0; running.get(); seq++) {
                        String key =
                                String.format("k%d%02d-%d-%d", random.nextInt(10), random.nextInt(100), writer, seq);
                        try {
                            cluster.kv(writer + 1)
                                    .put(PutRequest.newBuilder()
                                            .setKey(bytes(key))
                                            .setValue(bytes("v" + seq))
                                            .build());
                            acknowledged.put(key, "v" + seq);
                        } catch (StatusRuntimeException e) {
                            if (e.getStatus().getCode() != Status.Code.UNAVAILABLE
                                    && e.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED) {
                                synchronized (unexpected) {
                                    unexpected.add(e);
                                }
                                return;
                            }
                            sleep(20);
                        }
                    }
                });
                threads.add(thread);
                thread.start();
            }
        }

        Map<String, String> acknowledged() {
            return acknowledged;
        }

        void awaitAcknowledged(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (acknowledged.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(acknowledged.size() >= count, "only " + acknowledged.size() + " writes acknowledged");
        }

        Map<String, String> stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(15_000);
            }
            synchronized (unexpected) {
                assertEquals(List.of(), unexpected, "writers failed other than UNAVAILABLE");
            }
            return new TreeMap<>(acknowledged);
        }
    }

    /** A prefix read across the split through {@code node}: merged in key order, every acknowledged write in it. */
    private static void assertHolds(LocalCluster cluster, long node, Map<String, String> acknowledged)
            throws InterruptedException {
        RangeResponse all = readAll(cluster, node);
        Map<String, String> seen = new TreeMap<>();
        List<String> order = new ArrayList<>();
        for (KeyValue kv : all.getKvsList()) {
            seen.put(kv.getKey().toStringUtf8(), kv.getValue().toStringUtf8());
            order.add(kv.getKey().toStringUtf8());
        }
        assertEquals(List.copyOf(seen.keySet()), order, "merged in key order");
        assertEquals(all.getKvsCount(), all.getCount());
        List<String> missing = acknowledged.entrySet().stream()
                .filter(e -> !e.getValue().equals(seen.get(e.getKey())))
                .map(Map.Entry::getKey)
                .toList();
        assertEquals(List.of(), missing, "acknowledged writes missing through node " + node);
    }

    /**
     * Compares each range's checksum on every node at the leader's revision, until they agree (a replica may still be
     * applying: a split creates no revision, so the revision alone does not say it applied the split).
     */
    private static void assertReplicasAgree(LocalCluster cluster, List<Long> ranges) throws InterruptedException {
        for (long range : ranges) {
            long revision = cluster.server(cluster.awaitLeader(range)).store().revision(range);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            Set<Long> hashes = checksums(cluster, range, revision);
            while (hashes.size() != 1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
                hashes = checksums(cluster, range, revision);
            }
            assertEquals(1, hashes.size(), "range " + range + " at revision " + revision + ": " + hashes);
        }
    }

    /** Each node's checksum of the range up to {@code revision}; -1 for a node that has not reached it. */
    private static Set<Long> checksums(LocalCluster cluster, long range, long revision) {
        Set<Long> hashes = new HashSet<>();
        for (long node = 1; node <= 3; node++) {
            KvStore store = cluster.server(node).store();
            hashes.add(
                    store.revision(range) < revision
                            ? -1L
                            : store.hashKv(range, revision).getHash());
        }
        return hashes;
    }

    /** The keys under "k" through {@code node}, retried while a range has no leader (as a client retries). */
    private static RangeResponse readAll(LocalCluster cluster, long node) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return cluster.kv(node)
                        .range(RangeRequest.newBuilder()
                                .setKey(bytes("k"))
                                .setRangeEnd(bytes("l"))
                                .build());
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static void putWithRetries(LocalCluster cluster, long node, String key, String value)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                cluster.kv(node)
                        .put(PutRequest.newBuilder()
                                .setKey(bytes(key))
                                .setValue(bytes(value))
                                .build());
                return;
            } catch (StatusRuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static RangeAdminGrpc.RangeAdminBlockingStub admin(LocalCluster cluster, long node) {
        return RangeAdminGrpc.newBlockingStub(cluster.channel(node)).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }
}
