package dev.flotilla.sim.raft;

import dev.flotilla.sim.SimulatedBug;

/**
 * A bug the simulator plants in the environment it controls (storage or network), never in the core. A correct core
 * must be fooled by it, and the checker must then report a violation within {@link #defaultSeeds()} seeds.
 */
public enum PlantedBug implements SimulatedBug {
    NONE("none", 0),
    /** Storage loses the vote of the stored hard state on every restart: a node may vote twice in one term. */
    FORGET_VOTE("forget-vote", 400),
    /**
     * The network keeps old appends and later re-delivers one from a deposed leader, restamped with the newest term
     * and the current leader's id (as a buggy proxy that rewrites headers would). Without the restamp the core rejects
     * it by its term, as it must; with it, the follower cannot tell and may overwrite entries it acknowledged.
     */
    STALE_APPEND("stale-append", 200),
    /**
     * Storage acknowledges appended entries at once but makes them durable only every 25 ticks; a crash loses the
     * rest, and recovery clamps the stored commit index to the surviving log.
     */
    ACK_BEFORE_DURABLE("ack-before-durable", 400);

    private final String cliName;
    private final int defaultSeeds;

    PlantedBug(String cliName, int defaultSeeds) {
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

    public static PlantedBug ofCliName(String name) {
        return SimulatedBug.ofCliName(PlantedBug.class, name);
    }
}
