package dev.flotilla.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.raft.SnapshotMeta;
import dev.flotilla.snapshot.SnapshotFetcherConfig;
import dev.flotilla.transport.GroupMessage;
import dev.flotilla.transport.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file-snapshot path on real nodes (Netty on loopback, real logs, real snapshot servers and fetchers): a follower
 * that missed compacted entries catches up through files fetched from the leader, keeps them across a restart, and a
 * fetch cut off by a restart resumes instead of starting over.
 */
class FileSnapshotCatchUpTest {
    private static final long GROUP = 1;
    private static final int SAVE_EVERY = 20;
    /** Values large enough that the state spans several snapshot files and chunks. */
    private static final String VALUE = "x".repeat(16 << 10);

    @TempDir
    Path dir;

    private final Map<String, String> written = new TreeMap<>();
    private final Set<Long> down = ConcurrentHashMap.newKeySet();

    @Test
    void followerThatMissedCompactedEntriesCatchesUpThroughFiles() throws Exception {
        try (TestCluster cluster = TestCluster.withFileSnapshots(dir, 3, SAVE_EVERY, this::dropToDown)) {
            long lagging = fallBehindCompaction(cluster);
            rejoin(cluster, lagging);
            cluster.awaitConverged(GROUP, written);

            SnapshotMeta marker = cluster.log(lagging).group(GROUP).snapshot();
            assertTrue(marker.index() > 5 * SAVE_EVERY, marker.toString());
            long snapshotBytes = installedSnapshotBytes(cluster, lagging);
            assertTrue(snapshotBytes > 3 * FileSnapshotTestStateMachine.FILE_BYTES, snapshotBytes + " bytes");
            assertTrue(cluster.node(lagging).snapshotTraffic().receivedBytes() >= snapshotBytes);
            long leader = cluster.awaitLeader(GROUP);
            assertTrue(cluster.node(leader).snapshotTraffic().sentBytes() >= snapshotBytes);

            cluster.stop(lagging);
            cluster.start(lagging);
            put(cluster, 5);
            cluster.awaitConverged(GROUP, written);
        }
    }

    @Test
    void convergenceCheckCatchesAFollowerThatIgnoresTheInstalledFiles() throws Exception {
        try (TestCluster cluster = TestCluster.withFileSnapshots(dir, 3, SAVE_EVERY, this::dropToDown)) {
            long lagging = fallBehindCompaction(cluster);
            FileSnapshotTestStateMachine.plantIgnoreInstall = true;
            try {
                rejoin(cluster, lagging);
                assertThrows(AssertionError.class, () -> cluster.awaitConverged(GROUP, written));
            } finally {
                FileSnapshotTestStateMachine.plantIgnoreInstall = false;
            }
        }
    }

    @Test
    void fetchCutOffByARestartResumes() throws Exception {
        try (TestCluster cluster = TestCluster.withFileSnapshots(dir, 3, SAVE_EVERY, this::dropToDown)) {
            long lagging = fallBehindCompaction(cluster);
            long leader = cluster.awaitLeader(GROUP);
            // One stream with two requests in flight: what a cut-off transfer loses is at most two chunks.
            SnapshotFetcherConfig oneStream = SnapshotFetcherConfig.defaults().withStreams(1, 2);
            cluster.fetcherConfig = oneStream.withLimits(2, 1 << 20);
            rejoin(cluster, lagging);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (cluster.node(lagging).snapshotTraffic().receivedBytes() < 3 * FileSnapshotTestStateMachine.FILE_BYTES
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long before = cluster.node(lagging).snapshotTraffic().receivedBytes();
            assertTrue(before > 0, "the fetch never started");
            cluster.stop(lagging);
            cluster.fetcherConfig = oneStream;
            cluster.start(lagging);
            cluster.awaitConverged(GROUP, written);

            long snapshotBytes = installedSnapshotBytes(cluster, lagging);
            long sent = cluster.node(leader).snapshotTraffic().sentBytes();
            long afterRestart = cluster.node(lagging).snapshotTraffic().receivedBytes();
            assertTrue(
                    afterRestart < snapshotBytes,
                    "after the restart it fetched " + afterRestart + " of " + snapshotBytes
                            + " bytes: it started over");
            assertTrue(sent <= 1.1 * snapshotBytes, "the leader sent " + sent + " bytes for " + snapshotBytes);
        }
    }

    /** Writes, stops a follower, writes past several compactions; returns the stopped follower. */
    private long fallBehindCompaction(TestCluster cluster) throws Exception {
        cluster.createGroups(GROUP, GROUP);
        put(cluster, 10);
        long lagging = cluster.awaitLeader(GROUP) % 3 + 1;
        cluster.awaitConverged(GROUP, written);
        down.add(lagging);
        cluster.stop(lagging);
        put(cluster, 12 * SAVE_EVERY);
        long firstIndex = cluster.log(cluster.awaitLeader(GROUP)).group(GROUP).firstIndex();
        assertTrue(firstIndex > 5 * SAVE_EVERY, "the leader's log starts at " + firstIndex + ": not compacted");
        return lagging;
    }

    private void rejoin(TestCluster cluster, long node) {
        down.remove(node);
        cluster.start(node);
    }

    /** Drops what is sent to a down node, so that it cannot catch up from appends queued while it was down. */
    private Transport dropToDown(long node, Transport transport) {
        return new ForwardingTransport(transport) {
            @Override
            public void send(GroupMessage message) {
                if (!down.contains(message.message().to())) {
                    super.send(message);
                }
            }
        };
    }

    /** Bytes of the one snapshot directory the node installed (its manifest file not counted). */
    private static long installedSnapshotBytes(TestCluster cluster, long node) throws IOException {
        Path group = cluster.snapshotDirectory(node).resolve("in").resolve(Long.toString(GROUP));
        List<Path> installed;
        try (Stream<Path> list = Files.list(group)) {
            installed = list.filter(p -> !p.getFileName().toString().equals("staging"))
                    .toList();
        }
        assertEquals(1, installed.size(), "installed snapshots: " + installed);
        try (Stream<Path> files = Files.list(installed.get(0))) {
            return files.filter(f -> !f.getFileName().toString().startsWith("."))
                    .mapToLong(f -> {
                        try {
                            return Files.size(f);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .sum();
        }
    }

    private void put(TestCluster cluster, int count) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            String key = "k" + written.size();
            String value = i + VALUE;
            cluster.put(GROUP, key, value);
            written.put(key, value);
        }
    }
}
