package dev.flotilla.raft;

/** How a leader proves it is still the leader before serving a linearizable read. */
public enum ReadOnlyMode {
    /** Confirm leadership with a heartbeat round acknowledged by a quorum (safe under any clock behaviour). */
    READ_INDEX,
    /**
     * Serve reads while the leader's lease holds: a quorum acknowledged a heartbeat sent less than {@code
     * electionTicks - 1} ticks ago, and with check-quorum no voter grants a vote for that long. Assumes ticks advance
     * at the same rate on every node; requires {@link RaftConfig#checkQuorum()}.
     */
    LEASE_BASED
}
