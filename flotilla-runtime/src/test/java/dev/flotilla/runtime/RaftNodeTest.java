package dev.flotilla.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaftNodeTest {
    @TempDir
    Path dir;

    @Test
    void electsALeaderAndReplicatesACommandToEveryNode() throws Exception {
        try (TestCluster cluster = new TestCluster(dir, 3)) {
            cluster.createGroups(1, 1);
            long leader = cluster.awaitLeader(1);
            assertEquals("", cluster.put(1, "a", "1"));
            assertEquals("1", cluster.put(1, "a", "2"));
            cluster.awaitConverged(1, Map.of("a", "2"));
            long follower = leader % 3 + 1;
            byte[] read = cluster.node(follower)
                    .read(1, InMemoryStateMachine.get("a"), ReadConsistency.LINEARIZABLE)
                    .join();
            assertEquals("2", new String(read, StandardCharsets.UTF_8));
        }
    }

    @Test
    void manyGroupsShareOneLogPerNodeAndEachConverges() throws Exception {
        try (TestCluster cluster = new TestCluster(dir, 3)) {
            cluster.createGroups(1, 40);
            Map<Long, Map<String, String>> expected = new HashMap<>();
            for (long g = 1; g <= 40; g++) {
                for (int k = 0; k < 3; k++) {
                    cluster.put(g, "k" + k, "g" + g + "v" + k);
                    expected.computeIfAbsent(g, x -> new TreeMap<>()).put("k" + k, "g" + g + "v" + k);
                }
            }
            for (long g = 1; g <= 40; g++) {
                cluster.awaitConverged(g, expected.get(g));
            }
            assertEquals(40, cluster.node(1).groups().size());
        }
    }

    @Test
    void groupsSpreadOverSeveralDriverThreadsConvergeAndSurviveARestart() throws Exception {
        try (TestCluster cluster = TestCluster.withDriverThreads(dir, 3, 3)) {
            cluster.createGroups(1, 12);
            for (long g = 1; g <= 12; g++) {
                cluster.put(g, "k", "v" + g);
            }
            Set<String> drivers = Thread.getAllStackTraces().keySet().stream()
                    .map(Thread::getName)
                    .filter(name -> name.startsWith("flotilla-node-1-driver-"))
                    .collect(java.util.stream.Collectors.toSet());
            assertEquals(
                    Set.of("flotilla-node-1-driver-0", "flotilla-node-1-driver-1", "flotilla-node-1-driver-2"),
                    drivers);
            assertEquals(12, cluster.node(1).groups().size());
            assertTrue(cluster.node(1).groups().contains(7L));

            cluster.stop(2);
            cluster.start(2);
            for (long g = 1; g <= 12; g++) {
                cluster.put(g, "k2", "w" + g);
                cluster.awaitConverged(g, Map.of("k", "v" + g, "k2", "w" + g));
            }
            assertEquals(12, cluster.node(2).groups().size(), "every group reopened on its own driver");
        }
    }

    @Test
    void restartedNodeRecoversEveryGroupFromTheSharedLog() throws Exception {
        try (TestCluster cluster = new TestCluster(dir, 3)) {
            cluster.createGroups(1, 10);
            for (long g = 1; g <= 10; g++) {
                cluster.put(g, "x", "before-" + g);
            }
            for (long g = 1; g <= 10; g++) {
                cluster.awaitConverged(g, Map.of("x", "before-" + g));
            }
            cluster.stop(2);
            for (long g = 1; g <= 10; g++) {
                cluster.put(g, "y", "while-down-" + g);
            }
            cluster.start(2);
            assertEquals(
                    Set.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L),
                    cluster.node(2).groups());
            for (long g = 1; g <= 10; g++) {
                cluster.awaitConverged(g, Map.of("x", "before-" + g, "y", "while-down-" + g));
            }
        }
    }

    @Test
    void leaderFailoverLosesNoAcknowledgedWrite() throws Exception {
        try (TestCluster cluster = new TestCluster(dir, 3)) {
            cluster.createGroups(1, 1);
            Map<String, String> acknowledged = new TreeMap<>();
            for (int i = 0; i < 20; i++) {
                cluster.put(1, "k" + i, "v" + i);
                acknowledged.put("k" + i, "v" + i);
            }
            long leader = cluster.awaitLeader(1);
            cluster.stop(leader);
            for (int i = 20; i < 40; i++) {
                cluster.put(1, "k" + i, "v" + i);
                acknowledged.put("k" + i, "v" + i);
            }
            cluster.start(leader);
            cluster.awaitConverged(1, acknowledged);
        }
    }

    @Test
    void quietFollowerFailsRequestsAtOnceWhileItsLeadersNodeIsSilent() throws Exception {
        // 50 ms ticks: the leader's node is suspected after 20 ticks (1 s) of silence; the woken follower then waits a
        // full election timeout (10 to 20 ticks: 0.5 to 1 s) before campaigning. In between it still names the dead
        // leader, and a request must fail at once rather than be forwarded into the void.
        try (TestCluster cluster = new TestCluster(
                dir,
                3,
                0,
                java.time.Duration.ofMillis(50),
                (id, directory) -> dev.flotilla.log.LogEngine.open(TestCluster.smallSegments(directory)),
                (id, transport) -> transport)) {
            cluster.createGroups(1, 1);
            cluster.put(1, "k", "v");
            long leader = cluster.awaitLeader(1);
            long[] followers = java.util.stream.LongStream.rangeClosed(1, 3)
                    .filter(n -> n != leader)
                    .toArray();
            Thread.sleep(500); // the group goes quiet
            cluster.stop(leader);
            cluster.stop(followers[0]);
            Thread.sleep(1250);
            long start = System.nanoTime();
            CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(
                    CompletionException.class, () -> cluster.node(followers[1])
                            .propose(1, InMemoryStateMachine.put("k", "w"))
                            .join());
            long millis = (System.nanoTime() - start) / 1_000_000;
            RequestFailedException failure = assertInstanceOf(RequestFailedException.class, e.getCause());
            assertEquals(RequestFailedException.Reason.NOT_LEADER, failure.reason(), failure.getMessage());
            org.junit.jupiter.api.Assertions.assertTrue(
                    failure.getMessage().contains("node " + leader + ", is unreachable"), failure.getMessage());
            org.junit.jupiter.api.Assertions.assertTrue(millis < 500, "failed after " + millis + " ms, not at once");
        }
    }

    @Test
    void requestsToAnUnknownGroupFailWithGroupNotFound() throws Exception {
        try (TestCluster cluster = new TestCluster(dir, 3)) {
            CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(
                    CompletionException.class,
                    () -> cluster.node(1).propose(99, new byte[1]).join());
            RequestFailedException failure = assertInstanceOf(RequestFailedException.class, e.getCause());
            assertEquals(RequestFailedException.Reason.GROUP_NOT_FOUND, failure.reason());
        }
    }

    @Test
    void awaitLinearizableOnAFollowerCompletesOnlyAfterItAppliedEveryAcknowledgedWrite() throws Exception {
        try (TestCluster cluster = new TestCluster(dir, 3)) {
            cluster.createGroups(1, 1);
            long leader = cluster.awaitLeader(1);
            long follower = leader % 3 + 1;
            for (int i = 0; i < 50; i++) {
                cluster.node(leader)
                        .propose(1, InMemoryStateMachine.put("k", "v" + i))
                        .join();
                cluster.node(follower).awaitLinearizable(1).join();
                assertEquals(
                        "v" + i, cluster.stateMachine(follower, 1).contents().get("k"));
            }
        }
    }

    @Test
    void staleReadAnswersFromLocalStateWithoutARoundTrip() throws Exception {
        try (TestCluster cluster = new TestCluster(dir, 3)) {
            cluster.createGroups(1, 1);
            cluster.put(1, "s", "1");
            cluster.awaitConverged(1, Map.of("s", "1"));
            for (long node = 1; node <= 3; node++) {
                assertArrayEquals(
                        "1".getBytes(StandardCharsets.UTF_8),
                        cluster.node(node)
                                .read(1, InMemoryStateMachine.get("s"), ReadConsistency.STALE)
                                .join());
            }
        }
    }
}
