package dev.flotilla.sim.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
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

    @Test
    void fiveNodesUnderEveryFaultStayLinearizableConvergeAndRecover() {
        SimClusterRunner.Summary s = run(101, 1, 5, 4, ClusterBug.NONE);
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

    @ParameterizedTest
    @EnumSource(
            value = ClusterBug.class,
            names = {"LOCAL_READS", "LYING_FSYNC"})
    void everyPlantedBugIsCaughtWithinItsBudget(ClusterBug bug) {
        SimClusterRunner.Summary s = run(1, bug.defaultSeeds(), 3, 3, bug);
        assertEquals(1, s.violations(), bug + " was not caught in " + bug.defaultSeeds() + " seeds");
    }

    /** Needs more seeds than the fast suite allows; the soak profile runs it. */
    @Tag("soak")
    @Test
    void ackBeforeFsyncIsCaughtWithinItsBudget() {
        ClusterBug bug = ClusterBug.ACK_BEFORE_FSYNC;
        SimClusterRunner.Summary s = run(1, bug.defaultSeeds(), 3, 3, bug);
        assertEquals(1, s.violations(), bug + " was not caught in " + bug.defaultSeeds() + " seeds");
    }
}
