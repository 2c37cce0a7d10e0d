package dev.flotilla.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flotilla.raft.ConfChange;
import dev.flotilla.raft.ConfChange.ChangeType;
import dev.flotilla.raft.Membership;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MembershipChangeTest {
    @TempDir
    Path dir;

    @Test
    void newNodeJoinsAsLearnerCatchesUpFromTheLogIsPromotedAndAnOldNodeLeaves() throws Exception {
        try (TestCluster cluster = new TestCluster(dir, 3, 1)) {
            cluster.createGroups(1, 1);
            Map<String, String> data = new TreeMap<>();
            for (int i = 0; i < 10; i++) {
                cluster.put(1, "k" + i, "v" + i);
                data.put("k" + i, "v" + i);
            }
            cluster.start(4);
            cluster.node(4).joinGroup(1).join();
            long leader = cluster.awaitLeader(1);
            Membership withLearner = cluster.node(leader)
                    .changeMembership(1, ConfChange.of(ChangeType.ADD_LEARNER, 4))
                    .join();
            assertEquals(Set.of(4L), withLearner.learners());
            cluster.awaitConverged(1, data);

            Membership promoted = cluster.node(leader)
                    .changeMembership(1, ConfChange.of(ChangeType.PROMOTE_LEARNER, 4))
                    .join();
            assertEquals(Set.of(1L, 2L, 3L, 4L), promoted.voters());

            long leaving = leader == 1 ? 2 : 1;
            Membership shrunk = cluster.node(leader)
                    .changeMembership(1, ConfChange.of(ChangeType.REMOVE_NODE, leaving))
                    .join();
            assertEquals(
                    Set.of(1L, 2L, 3L, 4L).stream()
                            .filter(n -> n != leaving)
                            .collect(java.util.stream.Collectors.toSet()),
                    shrunk.voters());
            cluster.stop(leaving);
            cluster.put(1, "after", "shrink");
            data.put("after", "shrink");
            cluster.awaitConverged(1, data);
        }
    }

    @Test
    void membershipChangeOnAFollowerFailsWithTheLeaderAsHint() throws Exception {
        try (TestCluster cluster = new TestCluster(dir, 3)) {
            cluster.createGroups(1, 1);
            cluster.put(1, "k", "v");
            // After the write: on a loaded machine the first leader may have lost its place meanwhile.
            long leader = cluster.awaitLeader(1);
            long follower = leader % 3 + 1;
            CompletionException e = assertThrows(CompletionException.class, () -> cluster.node(follower)
                    .changeMembership(1, ConfChange.of(ChangeType.ADD_LEARNER, 9))
                    .join());
            RequestFailedException failure = assertInstanceOf(RequestFailedException.class, e.getCause());
            assertEquals(RequestFailedException.Reason.NOT_LEADER, failure.reason());
            assertEquals(leader, failure.leaderHint().orElseThrow());
        }
    }
}
