package dev.flotilla.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.raft.Message;
import dev.flotilla.raft.SnapshotMeta;
import dev.flotilla.transport.GroupMessage;
import dev.flotilla.transport.Transport;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Log compaction and the full-copy snapshot path, on real nodes whose state machines keep their state in files: a
 * follower that missed compacted entries gets the leader's state, keeps it across restarts, and the whole cluster
 * restarts from compacted logs.
 */
class CompactionTest {
    private static final long GROUP = 1;
    private static final int SAVE_EVERY = 20;

    @TempDir
    Path dir;

    private final Map<String, String> written = new TreeMap<>();
    private final Network network = new Network();

    @Test
    void followerThatMissedCompactedEntriesCatchesUpFromTheLeadersState() throws Exception {
        try (TestCluster cluster = TestCluster.compacting(dir, 3, SAVE_EVERY, network::wrap)) {
            long lagging = fallBehindCompaction(cluster);
            rejoin(cluster, lagging);
            cluster.awaitConverged(GROUP, written);
            SnapshotMeta installed = cluster.log(lagging).group(GROUP).snapshot();
            assertTrue(installed.index() > 5 * SAVE_EVERY && installed.handle().length > 0, installed.toString());

            // Restarted before its state machine saved the installed state, it restores it from the log's marker.
            cluster.stop(lagging);
            cluster.start(lagging);
            cluster.awaitConverged(GROUP, written);

            for (long id = 1; id <= 3; id++) {
                cluster.stop(id);
            }
            for (long id = 1; id <= 3; id++) {
                cluster.start(id);
            }
            put(cluster, 5);
            cluster.awaitConverged(GROUP, written);
        }
    }

    @Test
    void lostSnapshotIsSentAgain() throws Exception {
        try (TestCluster cluster = TestCluster.compacting(dir, 3, SAVE_EVERY, network::wrap)) {
            long lagging = fallBehindCompaction(cluster);
            network.snapshotsToDrop.set(1);
            rejoin(cluster, lagging);
            cluster.awaitConverged(GROUP, written);
            assertEquals(0, network.snapshotsToDrop.get(), "the first snapshot was dropped");
        }
    }

    @Test
    void convergenceCheckCatchesAFollowerThatIgnoresTheSnapshot() throws Exception {
        try (TestCluster cluster = TestCluster.compacting(dir, 3, SAVE_EVERY, network::wrap)) {
            long lagging = fallBehindCompaction(cluster);
            FileBackedStateMachine.plantIgnoreRestore = true;
            try {
                rejoin(cluster, lagging);
                assertThrows(AssertionError.class, () -> cluster.awaitConverged(GROUP, written));
            } finally {
                FileBackedStateMachine.plantIgnoreRestore = false;
            }
        }
    }

    /** Writes, stops a follower, writes past several compactions; returns the stopped follower. */
    private long fallBehindCompaction(TestCluster cluster) throws Exception {
        cluster.createGroups(GROUP, GROUP);
        put(cluster, 10);
        long lagging = cluster.awaitLeader(GROUP) % 3 + 1;
        cluster.awaitConverged(GROUP, written);
        network.down.add(lagging);
        cluster.stop(lagging);
        put(cluster, 10 * SAVE_EVERY);
        long firstIndex = cluster.log(cluster.awaitLeader(GROUP)).group(GROUP).firstIndex();
        assertTrue(firstIndex > 5 * SAVE_EVERY, "the leader's log starts at " + firstIndex + ": not compacted");
        return lagging;
    }

    private void rejoin(TestCluster cluster, long node) {
        network.down.remove(node);
        cluster.start(node);
    }

    /**
     * Drops what is sent to a down node, as a crashed node's peers eventually do (their queue for it fills up), so that
     * it cannot catch up from appends queued while it was down; and drops snapshots on demand.
     */
    private static final class Network {
        final Set<Long> down = ConcurrentHashMap.newKeySet();
        final AtomicInteger snapshotsToDrop = new AtomicInteger();

        Transport wrap(long node, Transport transport) {
            return new ForwardingTransport(transport) {
                @Override
                public void send(GroupMessage message) {
                    boolean lostSnapshot = message.message() instanceof Message.InstallSnapshot
                            && snapshotsToDrop.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
                    if (!down.contains(message.message().to()) && !lostSnapshot) {
                        super.send(message);
                    }
                }
            };
        }
    }

    private void put(TestCluster cluster, int count) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            String key = "k" + written.size();
            cluster.put(GROUP, key, "v" + i);
            written.put(key, "v" + i);
        }
    }
}
