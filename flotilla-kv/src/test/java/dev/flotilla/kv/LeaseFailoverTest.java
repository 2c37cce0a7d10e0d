package dev.flotilla.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.etcd.etcdserverpb.KVGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseGrantRequest;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseKeepAliveRequest;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseKeepAliveResponse;
import dev.flotilla.kv.etcd.etcdserverpb.PutRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leases across leader failovers: a lease kept alive (through any node, followers forward) survives two leader stops;
 * an abandoned lease expires no earlier than its TTL and no later than TTL plus the election time after the new leader
 * took over; once its keep-alives stop, the kept lease expires too.
 */
class LeaseFailoverTest {
    private static final long TTL_SECONDS = 2;
    /** fastTiming: 25 ticks of 20 ms; the new leader extends every lease by this. */
    private static final long ELECTION_TIMEOUT_MS = 500;
    /** A lease keeper tick, the revoke's commit and apply, and the poll, on a loaded 2-core machine. */
    private static final long SLACK_MS = 700;

    @TempDir
    Path dir;

    @Test
    void liveLeasesSurviveFailoversAndAbandonedOnesExpireInTime() throws Exception {
        long seed = Long.getLong("kv.seed", System.nanoTime());
        System.out.println("LeaseFailoverTest seed: " + seed + " (replay with -Dkv.seed=" + seed + ")");
        Random random = new Random(seed);
        try (LocalCluster cluster = new LocalCluster(dir, 3, LocalCluster.fastTiming())) {
            long leader = cluster.awaitLeader();
            long live = grant(cluster, leader);
            long abandoned = grant(cluster, leader);
            long grantedAt = System.nanoTime();
            cluster.kv(leader).put(put("live", live));
            cluster.kv(leader).put(put("abandoned", abandoned));
            AtomicBoolean keepingAlive = new AtomicBoolean(true);
            AtomicInteger renewed = new AtomicInteger();
            Thread keepAlive = new Thread(() -> {
                while (keepingAlive.get()) {
                    long node = 1 + random.nextInt(3);
                    if (cluster.server(node) != null) {
                        try {
                            if (keepAlive(cluster, node, live)
                                            .get(2, TimeUnit.SECONDS)
                                            .getTTL()
                                    == TTL_SECONDS) {
                                renewed.incrementAndGet();
                            }
                        } catch (Exception e) {
                            // a stopped node or an election: the next attempt goes elsewhere
                        }
                    }
                    sleep(300);
                }
            });
            keepAlive.start();

            cluster.stop(leader);
            long survivor = leader == 1 ? 2 : 1;
            long newLeader = cluster.awaitLeader();
            long electedAt = System.nanoTime();
            long goneAt = awaitGone(cluster, survivor, "abandoned", 10_000);
            long sinceGrantMs = TimeUnit.NANOSECONDS.toMillis(goneAt - grantedAt);
            long sinceElectionMs = TimeUnit.NANOSECONDS.toMillis(goneAt - electedAt);
            System.out.printf(
                    "LeaseFailoverTest: abandoned lease expired %d ms after its grant, %d ms after the new leader%n",
                    sinceGrantMs, sinceElectionMs);
            assertTrue(sinceGrantMs >= TTL_SECONDS * 1000 - 100, "expired early: " + sinceGrantMs + " ms");
            assertTrue(
                    sinceElectionMs <= TTL_SECONDS * 1000 + ELECTION_TIMEOUT_MS + SLACK_MS,
                    "expired late: " + sinceElectionMs + " ms after the new leader");

            cluster.start(leader);
            Thread.sleep(1000);
            cluster.stop(newLeader);
            long third = cluster.awaitLeader();
            Thread.sleep(3 * TTL_SECONDS * 1000);
            assertEquals(1, get(cluster, third, "live"), "a lease kept alive expired across failovers");
            assertTrue(renewed.get() > 5, "keep-alives: " + renewed.get());

            keepingAlive.set(false);
            keepAlive.join();
            long stoppedAt = System.nanoTime();
            long liveGoneAt = awaitGone(cluster, third, "live", 10_000);
            assertTrue(
                    TimeUnit.NANOSECONDS.toMillis(liveGoneAt - stoppedAt) <= TTL_SECONDS * 1000 + SLACK_MS + 300,
                    "the lease outlived its last keep-alive by more than its TTL");
        }
    }

    private static long grant(LocalCluster cluster, long node) {
        return LeaseGrpc.newBlockingStub(cluster.channel(node))
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(TTL_SECONDS).build())
                .getID();
    }

    private static CompletableFuture<LeaseKeepAliveResponse> keepAlive(LocalCluster cluster, long node, long lease) {
        CompletableFuture<LeaseKeepAliveResponse> response = new CompletableFuture<>();
        StreamObserver<LeaseKeepAliveRequest> requests = LeaseGrpc.newStub(cluster.channel(node))
                .withDeadlineAfter(2, TimeUnit.SECONDS)
                .leaseKeepAlive(new StreamObserver<>() {
                    @Override
                    public void onNext(LeaseKeepAliveResponse value) {
                        response.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        response.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {}
                });
        requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(lease).build());
        requests.onCompleted();
        return response;
    }

    private static long get(LocalCluster cluster, long node, String key) {
        return KVGrpc.newBlockingStub(cluster.channel(node))
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .range(RangeRequest.newBuilder()
                        .setKey(ByteString.copyFromUtf8(key))
                        .build())
                .getCount();
    }

    /** Polls until the key is gone; returns when (System.nanoTime()). */
    private static long awaitGone(LocalCluster cluster, long node, String key, long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline) {
            try {
                if (get(cluster, node, key) == 0) {
                    return System.nanoTime();
                }
            } catch (RuntimeException e) {
                // no leader for a moment
            }
            sleep(20);
        }
        throw new AssertionError(key + " still there after " + timeoutMs + " ms");
    }

    private static PutRequest put(String key, long lease) {
        return PutRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8(key))
                .setValue(ByteString.copyFromUtf8("v"))
                .setLease(lease)
                .build();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
