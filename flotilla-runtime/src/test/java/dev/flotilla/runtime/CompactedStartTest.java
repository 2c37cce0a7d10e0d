package dev.flotilla.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.raft.SnapshotMeta;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group created with its log compacted behind a marker ({@code createGroup(id, members, initialIndex)}), as a range
 * split off another starts: the members that already hold the state at the initial index elect a leader and serve,
 * and a member that joins with an empty log gets that state through a snapshot, never from entries that never
 * existed.
 */
class CompactedStartTest {
    private static final long GROUP = 2;
    private static final long INITIAL_INDEX = 5;

    @TempDir
    Path dir;

    @Test
    void memberWithoutTheInitialStateCatchesUpThroughASnapshot() throws Exception {
        try (TestCluster cluster = TestCluster.compacting(dir, 3, 1_000, (id, transport) -> transport)) {
            Map<String, String> expected = new TreeMap<>(Map.of("inherited", "from the split"));
            for (long node = 1; node <= 2; node++) {
                cluster.stop(node);
                seedState(node, expected);
                cluster.start(node);
                cluster.node(node)
                        .createGroup(GROUP, cluster.allVoters(), INITIAL_INDEX)
                        .join();
            }
            cluster.node(3).joinGroup(GROUP).join();

            cluster.put(GROUP, "k", "v");
            expected.put("k", "v");
            cluster.awaitConverged(GROUP, expected);
            SnapshotMeta installed = cluster.log(3).group(GROUP).snapshot();
            assertTrue(installed.index() >= INITIAL_INDEX && installed.handle().length > 0, installed.toString());

            cluster.stop(3);
            cluster.start(3);
            cluster.put(GROUP, "after", "restart");
            expected.put("after", "restart");
            cluster.awaitConverged(GROUP, expected);
            assertEquals(INITIAL_INDEX + 1, cluster.log(1).group(GROUP).firstIndex(), "entries before the marker");
        }
    }

    @Test
    void initialIndexBelowOneIsRefused() throws Exception {
        try (TestCluster cluster = TestCluster.compacting(dir, 1, 1_000, (id, transport) -> transport)) {
            CompletionException e = assertThrows(CompletionException.class, () -> cluster.node(1)
                    .createGroup(GROUP, cluster.allVoters(), 0)
                    .join());
            assertTrue(e.getCause() instanceof IllegalArgumentException, e.toString());
        }
    }

    /** Writes the state file a {@link FileBackedStateMachine} reopens: {@code contents}, durable at the initial index. */
    private void seedState(long node, Map<String, String> contents) throws Exception {
        Path stateDir = dir.resolve("node-" + node + "-state");
        Files.createDirectories(stateDir);
        List<StateMachine.AppliedCommand> puts = contents.entrySet().stream()
                .map(e -> new StateMachine.AppliedCommand(
                        INITIAL_INDEX, 1, InMemoryStateMachine.put(e.getKey(), e.getValue())))
                .toList();
        new FileBackedStateMachine(new InMemoryStateMachine(), stateDir.resolve("group-" + GROUP), 1)
                .apply(puts, INITIAL_INDEX);
    }
}
