package dev.flotilla.sim.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ClusterSimulationTest {
    /** Seeds {@code ./mvnw verify} runs clean: each is about 1.5 s of CPU. */
    static final int VERIFY_SEEDS = 6;

    private static SimClusterRunner.Summary run(long firstSeed, int seeds, int nodes, int groups, ClusterBug bug) {
        SimClusterRunner.Summary s =
                SimClusterRunner.run(firstSeed, seeds, nodes, groups, bug, new PrintWriter(new StringWriter()));
        System.out.println(s.toJson());
        return s;
    }

    private static String describe(SimClusterRunner.Summary s) {
        return s.failure()
                .map(f -> "seed " + f.seed() + ": " + f.violation().orElseThrow() + "\n  "
                        + String.join("\n  ", f.trace()))
                .orElse("");
    }

    @Test
    void threeNodesUnderEveryFaultStayLinearizableConvergeAndRecover() {
        SimClusterRunner.Summary s = run(1, VERIFY_SEEDS, 3, 3, ClusterBug.NONE);
        assertEquals(0, s.violations(), () -> describe(s));
        assertTrue(s.operations() > VERIFY_SEEDS * 500L, "each seed records hundreds of client operations");
    }

    /**
     * Seed 2 once found a leader sending a snapshot with term 0 after a restart (fixed in NodeLoop), under an earlier
     * fault mix; it now replays another schedule and stays as the five-node seed.
     */
    @Test
    void fiveNodesUnderEveryFaultStayLinearizableConvergeAndRecover() {
        SimClusterRunner.Summary s = run(2, 1, 5, 4, ClusterBug.NONE);
        assertEquals(0, s.violations(), () -> describe(s));
    }

    /**
     * Seed 3 found a write torn one byte before its end, over a recycled segment's older data, taken for a flipped bit:
     * recovery refused the log and the node stayed down (fixed in the log's BitFlipDetector).
     */
    @Test
    void aWriteTornOverOlderDataDoesNotKeepANodeDown() {
        SimClusterRunner.Summary s = run(3, 1, 3, 3, ClusterBug.NONE);
        assertEquals(0, s.violations(), () -> describe(s));
    }

    @Test
    void aSeedReplaysExactly() {
        ClusterSimulation.Result first = ClusterSimulation.run(7, 3, 2, ClusterBug.NONE);
        ClusterSimulation.Result again = ClusterSimulation.run(7, 3, 2, ClusterBug.NONE);
        assertEquals(first.events(), again.events());
        assertEquals(first.traceHash(), again.traceHash());
        assertEquals(first.history(), again.history());
    }

    /**
     * The seed that first caught each bug, counting from seed 1 (docs/testing.md): replaying it shows in verify that
     * the linearizability checker, not some other alarm, catches the bug.
     */
    @ParameterizedTest
    @CsvSource({"LOCAL_READS, 1", "LYING_FSYNC, 11", "ACK_BEFORE_FSYNC, 5"})
    void everyPlantedBugIsCaughtByTheCheckerOnTheSeedThatFirstCaughtIt(ClusterBug bug, long seed) {
        SimClusterRunner.Summary s = run(seed, 1, 3, 3, bug);
        assertEquals(1, s.violations(), bug + " was not caught by seed " + seed);
        String violation = s.failure().orElseThrow().violation().orElseThrow();
        assertTrue(violation.startsWith("not linearizable"), violation);
    }

    /** From seed 1, within the bug's budget: too many seeds for the fast suite. */
    @Tag("soak")
    @ParameterizedTest
    @EnumSource(
            value = ClusterBug.class,
            names = {"LOCAL_READS", "LYING_FSYNC", "ACK_BEFORE_FSYNC"})
    void everyPlantedBugIsCaughtWithinItsBudget(ClusterBug bug) {
        SimClusterRunner.Summary s = run(1, bug.defaultSeeds(), 3, 3, bug);
        assertEquals(1, s.violations(), bug + " was not caught in " + bug.defaultSeeds() + " seeds");
    }
}
