package dev.flotilla.bench.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InMemoryGroupTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void everyProposalIsAppliedOnTheLeaderBeforeTheCallReturns(int voters) {
        InMemoryGroup group = new InMemoryGroup(voters);
        long appliedBefore = group.proposeAndCommit(new byte[8]);
        for (int i = 1; i <= 25_000; i++) {
            // Crosses the compaction threshold, so compaction must not lose anything either.
            assertEquals(appliedBefore + i, group.proposeAndCommit(new byte[8]));
        }
    }
}
