package dev.flotilla.sim.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RaftSimulationTest {
    /** Seeds that {@code ./mvnw verify} runs clean: 150 with five voters and 100 with three. */
    static final int VERIFY_SEEDS_FIVE_NODES = 150;

    static final int VERIFY_SEEDS_THREE_NODES = 100;

    private static SimRaftRunner.Summary run(long firstSeed, int seeds, int nodes, PlantedBug bug) {
        StringWriter progress = new StringWriter();
        SimRaftRunner.Summary s = SimRaftRunner.run(firstSeed, seeds, nodes, bug, new PrintWriter(progress));
        System.out.println(s.toJson());
        return s;
    }

    @Test
    void cleanFiveNodeRunsKeepEverySafetyAndLivenessProperty() {
        SimRaftRunner.Summary s = run(1, VERIFY_SEEDS_FIVE_NODES, 5, PlantedBug.NONE);
        assertEquals(0, s.violations(), () -> s.failure().orElseThrow().toString());
        assertEquals(VERIFY_SEEDS_FIVE_NODES, s.seeds());
        assertTrue(s.events() > VERIFY_SEEDS_FIVE_NODES * 1000L, "each seed simulates thousands of events");
    }

    @Test
    void cleanThreeNodeRunsKeepEverySafetyAndLivenessProperty() {
        SimRaftRunner.Summary s = run(10_001, VERIFY_SEEDS_THREE_NODES, 3, PlantedBug.NONE);
        assertEquals(0, s.violations(), () -> s.failure().orElseThrow().toString());
    }

    @ParameterizedTest
    @EnumSource(value = PlantedBug.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void plantedBugIsCaughtWithinItsDefaultSeedBudget(PlantedBug bug) {
        SimRaftRunner.Summary s = run(1, bug.defaultSeeds(), 5, bug);
        assertEquals(1, s.violations(), bug + " went unnoticed for " + bug.defaultSeeds() + " seeds");
        SimRaftRunner.Failure f = s.failure().orElseThrow();
        assertFalse(f.trace().isEmpty(), "a failure comes with the events before it");
        System.out.println(bug.cliName() + " caught at seed " + f.seed() + ": " + f.violation());
    }

    @Test
    void aFailingSeedReplaysExactly() {
        SimRaftRunner.Failure first = run(1, PlantedBug.FORGET_VOTE.defaultSeeds(), 5, PlantedBug.FORGET_VOTE)
                .failure()
                .orElseThrow();
        RaftSimulation.Result replay = RaftSimulation.run(first.seed(), 5, PlantedBug.FORGET_VOTE);
        assertEquals(first.violation(), replay.violation().orElseThrow());
        assertEquals(first.trace(), replay.trace());
    }

    @Test
    void aCleanSeedReplaysTheSameNumberOfEvents() {
        RaftSimulation.Result a = RaftSimulation.run(77, 5, PlantedBug.NONE);
        RaftSimulation.Result b = RaftSimulation.run(77, 5, PlantedBug.NONE);
        assertEquals(a.events(), b.events());
        assertTrue(a.violation().isEmpty());
    }

    @Test
    void summaryJsonNamesSeedsEventsAndViolations() {
        SimRaftRunner.Summary s = run(1, 2, 3, PlantedBug.NONE);
        String json = s.toJson();
        assertTrue(json.startsWith("{") && json.endsWith("}"), json);
        assertTrue(json.contains("\"seeds\":2"), json);
        assertTrue(json.contains("\"events\":" + s.events()), json);
        assertTrue(json.contains("\"violations\":0"), json);
    }

    @Test
    @Tag("soak")
    void twoThousandFiveNodeSeedsRunClean() {
        SimRaftRunner.Summary s = run(1, 2000, 5, PlantedBug.NONE);
        assertEquals(0, s.violations(), () -> s.failure().orElseThrow().toString());
    }
}
