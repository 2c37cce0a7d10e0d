package dev.flotilla.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.log.LogEngine;
import dev.flotilla.log.file.FileChannelDirectory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With a slow fsync, no vote or acknowledgement may leave a node before the state it reports is durable. */
class DurabilityOrderTest {
    private static final long FORCE_MILLIS = 15;

    @TempDir
    Path dir;

    private final ExecutorService logThreads = Executors.newCachedThreadPool();
    private final List<String> violations = DurabilityOrderChecker.newViolationList();
    private final Map<Long, LogEngine> logs = new ConcurrentHashMap<>();
    private final Map<Long, DurabilityOrderChecker> checkers = new ConcurrentHashMap<>();

    @AfterEach
    void stopLogThreads() {
        logThreads.shutdownNow();
    }

    private TestCluster cluster(UnaryOperator<LogEngine> plant) {
        return new TestCluster(
                dir,
                3,
                (id, directory) -> {
                    LogEngine log = LogEngine.open(
                            TestCluster.smallSegments(directory),
                            new SlowDisk(new FileChannelDirectory(directory), FORCE_MILLIS),
                            logThreads);
                    logs.put(id, log);
                    return plant.apply(log);
                },
                (id, transport) -> checkers.computeIfAbsent(
                        id, n -> new DurabilityOrderChecker(n, transport, () -> logs.get(n), violations)));
    }

    private void runWorkload(TestCluster cluster) throws InterruptedException {
        cluster.createGroups(1, 8);
        for (long g = 1; g <= 8; g++) {
            for (int i = 0; i < 5; i++) {
                cluster.put(g, "k" + i, "v" + i);
            }
        }
        // A second round of elections: every group re-elects after its leader's node restarts.
        long leader = cluster.awaitLeader(1);
        cluster.stop(leader);
        checkers.remove(leader);
        cluster.start(leader);
        for (long g = 1; g <= 8; g++) {
            cluster.put(g, "after", "restart");
        }
    }

    @Test
    void noVoteOrAcknowledgementLeavesBeforeItIsDurable() throws Exception {
        try (TestCluster cluster = cluster(log -> log)) {
            runWorkload(cluster);
        }
        assertEquals(List.of(), violations);
        int votes =
                checkers.values().stream().mapToInt(c -> c.votesChecked.get()).sum();
        int acks = checkers.values().stream()
                .mapToInt(c -> c.appendAcksChecked.get())
                .sum();
        assertTrue(votes > 0 && acks > 0, "the checker saw " + votes + " votes and " + acks + " append acks");
    }

    @Test
    void checkerCatchesALogThatAcknowledgesBeforeItIsDurable() throws Exception {
        List<EarlyAckLog> liars = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (TestCluster cluster = cluster(log -> {
            EarlyAckLog liar = new EarlyAckLog(log);
            liars.add(liar);
            return liar;
        })) {
            cluster.createGroups(1, 4);
            liars.forEach(EarlyAckLog::startLying);
            // Elections alone send votes; with the log lying about durability they leave before the vote is on disk.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (violations.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        assertFalse(violations.isEmpty(), "a log that acknowledges early must make messages leave too early");
    }
}
