package dev.flotilla.sim.cluster;

import dev.flotilla.sim.SimulatedBug;

/**
 * A bug the cluster simulator can plant, always outside the production code paths: in the simulated disk, in the
 * simulator's clients, or in the simulator's wrapper around the log engine. Each must be caught by a checker within
 * {@link #defaultSeeds()} seeds (see docs/testing.md for the measured figures).
 */
public enum ClusterBug implements SimulatedBug {
    NONE("none", 0),
    /** Bug 1: the disk's fsync reports success but, now and then, drops the writes it should have made durable. */
    LYING_FSYNC("lying-fsync", 30),
    /** Bug 2: clients read from whichever node they reach, from its local state, without ReadIndex. */
    LOCAL_READS("local-reads", 20),
    /** Bug 4: the log engine wrapper acknowledges appends before the simulated fsync has landed. */
    ACK_BEFORE_FSYNC("ack-before-fsync", 40);

    private final String cliName;
    private final int defaultSeeds;

    ClusterBug(String cliName, int defaultSeeds) {
        this.cliName = cliName;
        this.defaultSeeds = defaultSeeds;
    }

    @Override
    public String cliName() {
        return cliName;
    }

    @Override
    public int defaultSeeds() {
        return defaultSeeds;
    }

    public static ClusterBug ofCliName(String name) {
        return SimulatedBug.ofCliName(ClusterBug.class, name);
    }
}
