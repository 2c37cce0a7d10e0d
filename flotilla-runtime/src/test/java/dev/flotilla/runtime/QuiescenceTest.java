package dev.flotilla.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.log.LogEngine;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Idle groups stop ticking and talking; a message, a request or a dead leader's node wakes them. */
class QuiescenceTest {
    private static final int GROUPS = 20;

    @TempDir
    Path dir;

    private final Map<Long, CountingTransport> transports = new ConcurrentHashMap<>();

    private TestCluster cluster() {
        return new TestCluster(
                dir, 3, (id, directory) -> LogEngine.open(TestCluster.smallSegments(directory)), (id, transport) -> {
                    CountingTransport counting = new CountingTransport(transport);
                    transports.put(id, counting);
                    return counting;
                });
    }

    private long groupMessages() {
        return transports.values().stream()
                .mapToLong(t -> t.groupMessages.get())
                .sum();
    }

    private void writeToEveryGroupAndSettle(TestCluster cluster) throws InterruptedException {
        cluster.createGroups(1, GROUPS);
        for (long g = 1; g <= GROUPS; g++) {
            cluster.put(g, "k", "v" + g);
        }
        Thread.sleep(1000);
    }

    @Test
    void idleGroupsStopSendingWhileNodesKeepPingingEachOther() throws Exception {
        try (TestCluster cluster = cluster()) {
            writeToEveryGroupAndSettle(cluster);
            long messagesBefore = groupMessages();
            long pingsBefore =
                    transports.values().stream().mapToLong(t -> t.pings.get()).sum();
            Thread.sleep(1000);
            long messages = groupMessages() - messagesBefore;
            long pings =
                    transports.values().stream().mapToLong(t -> t.pings.get()).sum() - pingsBefore;
            // Awake, 20 groups send about 20 x 2 heartbeats x 20 ticks = 800 messages a second, plus responses.
            // Quiet, none; a node stalled by the loaded test machine can wake a few groups for a moment.
            assertTrue(messages < 50, "Raft messages sent by idle groups in one second: " + messages);
            assertTrue(pings > 100, "liveness pings keep flowing: " + pings);
        }
    }

    @Test
    void quietGroupWakesForAProposalAndGoesQuietAgain() throws Exception {
        try (TestCluster cluster = cluster()) {
            writeToEveryGroupAndSettle(cluster);
            long start = System.nanoTime();
            cluster.put(7, "k", "again");
            assertTrue(System.nanoTime() - start < 1_000_000_000L, "a quiet group commits at once");
            cluster.awaitConverged(7, Map.of("k", "again"));
            Thread.sleep(500);
            long before = groupMessages();
            Thread.sleep(500);
            long sent = groupMessages() - before;
            assertTrue(sent < 10, "the group went quiet again, yet sent " + sent + " messages in 0.5 s");
        }
    }

    @Test
    void quietFollowersElectANewLeaderWhenTheLeadersNodeDies() throws Exception {
        try (TestCluster cluster = cluster()) {
            writeToEveryGroupAndSettle(cluster);
            long leader = cluster.awaitLeader(1);
            cluster.stop(leader);
            long start = System.nanoTime();
            long newLeader = cluster.awaitLeader(1);
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertTrue(newLeader != leader);
            assertTrue(seconds < 5, "a new leader within the liveness and election timeouts, took " + seconds + " s");
            cluster.put(1, "after", "failover");
        }
    }
}
