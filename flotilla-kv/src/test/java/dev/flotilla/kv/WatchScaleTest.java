package dev.flotilla.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.etcd.etcdserverpb.PutRequest;
import dev.flotilla.kv.etcd.etcdserverpb.WatchCreateRequest;
import dev.flotilla.kv.etcd.etcdserverpb.WatchGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.WatchRequest;
import dev.flotilla.kv.etcd.etcdserverpb.WatchResponse;
import dev.flotilla.kv.etcd.mvccpb.Event;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many watchers on one node, and a client that stops reading: neither costs the apply loop anything. */
class WatchScaleTest {
    private static final int WATCHERS = 10_000;
    private static final int STREAMS = 10;

    @TempDir
    Path dir;

    @Test
    void tenThousandWatchersCostMemoryInProportionAndAllSeeAWrite() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 1, LocalCluster.fastTiming())) {
            cluster.awaitLeader();
            cluster.kv(1).put(put("w/warm", 1));
            long before = usedHeapAfterGc();
            CountDownLatch created = new CountDownLatch(WATCHERS);
            CountDownLatch notified = new CountDownLatch(WATCHERS);
            List<StreamObserver<WatchRequest>> streams = new ArrayList<>();
            for (int s = 0; s < STREAMS; s++) {
                StreamObserver<WatchRequest> requests = WatchGrpc.newStub(cluster.channel(1))
                        .watch(new StreamObserver<>() {
                            @Override
                            public void onNext(WatchResponse response) {
                                if (response.getCreated()) {
                                    created.countDown();
                                }
                                if (response.getEventsCount() > 0) {
                                    notified.countDown();
                                }
                            }

                            @Override
                            public void onError(Throwable t) {}

                            @Override
                            public void onCompleted() {}
                        });
                streams.add(requests);
            }
            for (int i = 0; i < WATCHERS; i++) {
                streams.get(i % STREAMS)
                        .onNext(WatchRequest.newBuilder()
                                .setCreateRequest(WatchCreateRequest.newBuilder()
                                        .setKey(ByteString.copyFromUtf8("w/"))
                                        .setRangeEnd(ByteString.copyFromUtf8("w0")))
                                .build());
            }
            assertTrue(created.await(30, TimeUnit.SECONDS), "watchers created: " + (WATCHERS - created.getCount()));
            long after = usedHeapAfterGc();
            long perWatcher = (after - before) / WATCHERS;
            System.out.printf(
                    "WatchScaleTest: %d watchers on %d streams: %d bytes of heap per watcher (server and client in one JVM)%n",
                    WATCHERS, STREAMS, perWatcher);
            long start = System.nanoTime();
            cluster.kv(1).put(put("w/x", 2));
            assertTrue(notified.await(30, TimeUnit.SECONDS), "watchers notified: " + (WATCHERS - notified.getCount()));
            System.out.printf(
                    "WatchScaleTest: one put reached all %d watchers in %d ms%n",
                    WATCHERS, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            assertTrue(perWatcher < 4096, "a watcher costs " + perWatcher + " bytes");
            streams.forEach(StreamObserver::onCompleted);
        }
    }

    @Test
    void aClientThatStopsReadingDoesNotHoldUpWritesAndLaterGetsEveryEventInOrder() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 1, LocalCluster.fastTiming())) {
            cluster.awaitLeader();
            long start = cluster.kv(1).put(put("s/0", 0)).getHeader().getRevision() + 1;
            List<Event> events = new ArrayList<>();
            AtomicInteger responses = new AtomicInteger();
            ClientCallStreamObserver<WatchRequest>[] call = new ClientCallStreamObserver[1];
            WatchGrpc.newStub(cluster.channel(1)).watch(new ClientResponseObserver<WatchRequest, WatchResponse>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<WatchRequest> requests) {
                    call[0] = requests;
                    requests.disableAutoRequestWithInitial(1); // the created response, then nothing
                }

                @Override
                public void onNext(WatchResponse response) {
                    synchronized (events) {
                        events.addAll(response.getEventsList());
                        responses.incrementAndGet();
                    }
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {}
            });
            call[0].onNext(WatchRequest.newBuilder()
                    .setCreateRequest(WatchCreateRequest.newBuilder()
                            .setKey(ByteString.copyFromUtf8("s/"))
                            .setRangeEnd(ByteString.copyFromUtf8("s0")))
                    .build());
            ByteString value = ByteString.copyFrom(new byte[4096]);
            long writeStart = System.nanoTime();
            int writes = 400;
            for (int i = 1; i <= writes; i++) {
                cluster.kv(1)
                        .put(PutRequest.newBuilder()
                                .setKey(ByteString.copyFromUtf8("s/" + i))
                                .setValue(value)
                                .build());
            }
            System.out.printf(
                    "WatchScaleTest: %d puts of 4 KiB with a stalled watcher took %d ms; it had taken %d responses%n",
                    writes, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - writeStart), responses.get());
            call[0].request(Integer.MAX_VALUE);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                synchronized (events) {
                    if (events.size() >= writes || System.nanoTime() > deadline) {
                        break;
                    }
                }
                Thread.sleep(20);
            }
            synchronized (events) {
                assertEquals(writes, events.size());
                for (int i = 0; i < writes; i++) {
                    assertEquals(start + i, events.get(i).getKv().getModRevision());
                }
            }
            call[0].onCompleted();
        }
    }

    private static PutRequest put(String key, int value) {
        return PutRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8(key))
                .setValue(ByteString.copyFromUtf8(Integer.toString(value)))
                .build();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getUsed();
    }
}
