package dev.flotilla.kv;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.etcd.etcdserverpb.ClusterGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.MemberAddRequest;
import dev.flotilla.kv.etcd.etcdserverpb.PutRequest;
import dev.flotilla.kv.mvcc.MvccDatabase;
import dev.flotilla.kv.mvcc.PlantedSnapshotBug;
import dev.flotilla.kv.mvcc.RangeSnapshotFiles;
import dev.flotilla.raft.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Range snapshots between real servers in this JVM (real RocksDB, Raft and snapshot transfer on loopback), with logs
 * compacted every 50 durable entries: a follower that was down while more than 16 MiB of values were written (more
 * than one transport frame, so the full-copy path could not carry it), and a learner added with MemberAdd, catch up
 * through SST files, after which every replica's range checksum is the same. Values are random; the seed is printed
 * and {@code -Dkv.snapshot.seed=} replays it.
 */
class RangeSnapshotCatchUpTest {
    private static final long RANGE = RangeMap.FIRST_RANGE;
    private static final int VALUE_BYTES = 56 << 10;
    private static final int WRITES = 330; // 18 MiB of values

    @TempDir
    Path dir;

    private LocalCluster cluster;

    @AfterEach
    void stop() {
        System.clearProperty(PlantedSnapshotBug.PROPERTY);
        System.clearProperty(RangeSnapshotFiles.CRASH_POINT_PROPERTY);
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void followerDownWhileMoreThanAFrameWasWrittenCatchesUpThroughSstFiles() throws Exception {
        long follower = startAndStopAFollower();
        writeMoreThanAFrame();
        cluster.start(follower);
        awaitEqualChecksums(15);
        assertTrue(
                cluster.server(follower).node().snapshotTraffic().receivedBytes() > 16 << 20,
                "the follower caught up without a snapshot larger than a frame");
    }

    @Test
    void checksumsCatchAFollowerThatIgnoresTheInstalledSnapshot() throws Exception {
        long follower = startAndStopAFollower();
        // As much as the other tests: less could reach the follower from the leader's transport queue instead.
        writeMoreThanAFrame();
        System.setProperty(PlantedSnapshotBug.PROPERTY, "ignore-install");
        cluster.start(follower);
        assertThrows(AssertionError.class, () -> awaitEqualChecksums(6));
    }

    /**
     * The follower's node stops in the middle of the install, after its marker is durable (the driver thread fails,
     * which stops the node; the KV store is closed after, as a kill that found the deletion flushed or the files
     * ingested would leave it); restarted, it installs the directory again if needed and ends at the leader's state.
     */
    @ParameterizedTest
    @EnumSource(
            value = RangeSnapshotFiles.CrashPoint.class,
            names = {"AFTER_DELETE", "AFTER_INGEST"})
    void followerStoppedInTheMiddleOfTheInstallEndsAtTheNewStateAfterRestart(RangeSnapshotFiles.CrashPoint crash)
            throws Exception {
        long follower = startAndStopAFollower();
        writeMoreThanAFrame();
        System.setProperty(RangeSnapshotFiles.CRASH_POINT_PROPERTY, crash.name());
        cluster.start(follower);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (cluster.server(follower).node().status(RANGE).join().isPresent()) {
            assertTrue(System.nanoTime() < deadline, "the follower never reached the install");
            Thread.sleep(50);
        }
        System.clearProperty(RangeSnapshotFiles.CRASH_POINT_PROPERTY);
        cluster.stop(follower);
        cluster.start(follower);
        awaitEqualChecksums(15);
    }

    @Test
    void learnerAddedWithMemberAddCatchesUpThroughSstFiles() throws Exception {
        cluster = new LocalCluster(
                dir, 3, LocalCluster.fastTiming(), RangesConfig.defaults(), new SnapshotConfig(Optional.empty(), 50));
        cluster.awaitLeader();
        writeMoreThanAFrame();
        MemberConfig fourth = cluster.reserveMember();
        ClusterGrpc.newBlockingStub(cluster.channel(1))
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .memberAdd(MemberAddRequest.newBuilder()
                        .addPeerURLs(fourth.peerUrl())
                        .setIsLearner(true)
                        .build());
        cluster.startJoining(4);
        awaitEqualChecksums(15);
        assertTrue(cluster.server(4).node().snapshotTraffic().receivedBytes() > 16 << 20);
    }

    /** Starts three nodes with small compaction thresholds, writes a little, stops a follower; returns it. */
    private long startAndStopAFollower() throws Exception {
        cluster = new LocalCluster(
                dir, 3, LocalCluster.fastTiming(), RangesConfig.defaults(), new SnapshotConfig(Optional.empty(), 50));
        long leader = cluster.awaitLeader();
        put(leader, "before", ByteString.copyFromUtf8("1"));
        long follower = leader % 3 + 1;
        cluster.stop(follower);
        return follower;
    }

    private void writeMoreThanAFrame() throws InterruptedException {
        write(WRITES);
    }

    private void write(int count) throws InterruptedException {
        long seed = Long.getLong("kv.snapshot.seed", new Random().nextLong());
        System.out.println("RangeSnapshotCatchUpTest seed " + seed);
        Random random = new Random(seed);
        long leader = cluster.awaitLeader();
        byte[] value = new byte[VALUE_BYTES];
        for (int i = 0; i < count; i++) {
            random.nextBytes(value);
            put(leader, "key/" + random.nextInt(WRITES), ByteString.copyFrom(value));
        }
        // Flushed, the writes are durable in RocksDB; the next applies compact the logs beyond them.
        for (long id = 1; id <= 3; id++) {
            if (cluster.server(id) != null) {
                ((MvccDatabase) cluster.server(id).store()).flush();
            }
        }
        for (int i = 0; i < 3; i++) {
            put(leader, "after/" + i, ByteString.copyFromUtf8("flushed"));
        }
    }

    private void put(long node, String key, ByteString value) throws InterruptedException {
        PutRequest request = PutRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8(key))
                .setValue(value)
                .build();
        for (int attempt = 0; ; attempt++) {
            try {
                cluster.kv(node).put(request);
                return;
            } catch (StatusRuntimeException e) {
                if (attempt == 20) {
                    throw e;
                }
                Thread.sleep(100);
                node = cluster.awaitLeader();
            }
        }
    }

    /** Waits until every running node has applied the same index of the range and holds the same checksum. */
    private void awaitEqualChecksums(int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Map<Long, String> seen = new TreeMap<>();
        while (System.nanoTime() < deadline) {
            seen.clear();
            for (long id = 1; id <= 4; id++) {
                KvServer server = cluster.server(id);
                if (server != null) {
                    long applied = server.node()
                            .status(RANGE)
                            .join()
                            .map(Status::applied)
                            .orElse(-1L);
                    seen.put(id, applied + "/" + Long.toHexString(server.store().rangeChecksum(RANGE)));
                }
            }
            if (seen.values().stream().distinct().count() == 1) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("replicas of range " + RANGE + " differ (applied index/checksum): " + seen);
    }
}
