package dev.flotilla.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flotilla.sim.cluster.ClusterBug;
import dev.flotilla.sim.raft.PlantedBug;
import org.junit.jupiter.api.Test;

class SimulatedBugTest {
    @Test
    void bugsAreFoundByTheirCommandLineNameAndAnUnknownNameListsTheKnownOnes() {
        assertEquals(ClusterBug.LYING_FSYNC, ClusterBug.ofCliName("lying-fsync"));
        assertEquals(PlantedBug.NONE, PlantedBug.ofCliName("none"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> PlantedBug.ofCliName("forget-votes"));
        assertEquals(
                "unknown planted bug 'forget-votes'; known: forget-vote, stale-append, ack-before-durable",
                e.getMessage());
        assertEquals(
                "unknown planted bug 'x'; known: lying-fsync, local-reads, ack-before-fsync",
                assertThrows(IllegalArgumentException.class, () -> ClusterBug.ofCliName("x"))
                        .getMessage());
    }
}
