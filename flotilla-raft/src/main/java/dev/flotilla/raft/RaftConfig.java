package dev.flotilla.raft;

/**
 * Configuration of one replica. Durations are in logical ticks ({@link RaftReplica#tick()}); sizes are in bytes of
 * entry payload ({@link Entry#sizeBytes()}).
 *
 * @param nodeId this replica's node id, positive
 * @param electionTicks a follower that hears no leader for a random time in {@code [electionTicks, 2*electionTicks)}
 *     starts an election; a leader with check-quorum steps down after this long without hearing a quorum
 * @param heartbeatTicks a leader sends heartbeats this often; must be smaller than {@code electionTicks}
 * @param preVote ask for a pre-vote before incrementing the term, so a partitioned node cannot disrupt the group
 * @param checkQuorum leaders step down without a live quorum, and voters ignore vote requests while they have a live
 *     leader
 * @param readOnlyMode how reads are confirmed; {@link ReadOnlyMode#LEASE_BASED} requires {@code checkQuorum}
 * @param maxInflightMessages appends in flight to one follower in the replicate state
 * @param maxInflightBytes payload bytes in flight to one follower in the replicate state
 * @param maxBytesPerMessage payload bytes per append (an append always carries at least one entry)
 * @param maxUncommittedEntriesBytes payload bytes a leader accepts beyond its commit index before refusing proposals
 * @param proposalForwarding followers forward proposals and reads to the leader instead of refusing them
 * @param randomSeed seeds the election timeout randomisation: same inputs and seed give the same outputs
 */
public record RaftConfig(
        long nodeId,
        int electionTicks,
        int heartbeatTicks,
        boolean preVote,
        boolean checkQuorum,
        ReadOnlyMode readOnlyMode,
        int maxInflightMessages,
        long maxInflightBytes,
        long maxBytesPerMessage,
        long maxUncommittedEntriesBytes,
        boolean proposalForwarding,
        long randomSeed) {
    /** The "no node" id: no leader known, no vote cast. */
    public static final long NO_NODE = 0;

    public RaftConfig {
        require(nodeId > 0, "nodeId must be positive, was " + nodeId);
        require(heartbeatTicks > 0, "heartbeatTicks must be positive, was " + heartbeatTicks);
        require(
                electionTicks > heartbeatTicks,
                "electionTicks (" + electionTicks + ") must be greater than heartbeatTicks (" + heartbeatTicks + ")");
        require(readOnlyMode != null, "readOnlyMode must be given");
        require(
                readOnlyMode != ReadOnlyMode.LEASE_BASED || checkQuorum,
                "readOnlyMode LEASE_BASED requires checkQuorum: without it another leader may be elected during"
                        + " the lease");
        require(
                readOnlyMode != ReadOnlyMode.LEASE_BASED || electionTicks > 2,
                "readOnlyMode LEASE_BASED needs electionTicks > 2 so the lease (electionTicks - 1) is useful");
        require(maxInflightMessages > 0, "maxInflightMessages must be positive, was " + maxInflightMessages);
        require(maxInflightBytes > 0, "maxInflightBytes must be positive, was " + maxInflightBytes);
        require(maxBytesPerMessage > 0, "maxBytesPerMessage must be positive, was " + maxBytesPerMessage);
        require(
                maxUncommittedEntriesBytes > 0,
                "maxUncommittedEntriesBytes must be positive, was " + maxUncommittedEntriesBytes);
    }

    /**
     * Defaults for node {@code nodeId}: election after 10 ticks, heartbeat every tick, pre-vote and check-quorum on,
     * ReadIndex reads, 256 appends or 16 MiB in flight, 1 MiB per message, 64 MiB uncommitted, forwarding on, seed 0.
     */
    public static RaftConfig defaults(long nodeId) {
        return new RaftConfig(
                nodeId, 10, 1, true, true, ReadOnlyMode.READ_INDEX, 256, 16L << 20, 1L << 20, 64L << 20, true, 0);
    }

    public RaftConfig withElectionTicks(int electionTicks, int heartbeatTicks) {
        return new RaftConfig(
                nodeId,
                electionTicks,
                heartbeatTicks,
                preVote,
                checkQuorum,
                readOnlyMode,
                maxInflightMessages,
                maxInflightBytes,
                maxBytesPerMessage,
                maxUncommittedEntriesBytes,
                proposalForwarding,
                randomSeed);
    }

    public RaftConfig withElection(boolean preVote, boolean checkQuorum, ReadOnlyMode readOnlyMode) {
        return new RaftConfig(
                nodeId,
                electionTicks,
                heartbeatTicks,
                preVote,
                checkQuorum,
                readOnlyMode,
                maxInflightMessages,
                maxInflightBytes,
                maxBytesPerMessage,
                maxUncommittedEntriesBytes,
                proposalForwarding,
                randomSeed);
    }

    public RaftConfig withFlowControl(
            int maxInflightMessages, long maxInflightBytes, long maxBytesPerMessage, long maxUncommittedEntriesBytes) {
        return new RaftConfig(
                nodeId,
                electionTicks,
                heartbeatTicks,
                preVote,
                checkQuorum,
                readOnlyMode,
                maxInflightMessages,
                maxInflightBytes,
                maxBytesPerMessage,
                maxUncommittedEntriesBytes,
                proposalForwarding,
                randomSeed);
    }

    public RaftConfig withProposalForwarding(boolean proposalForwarding) {
        return new RaftConfig(
                nodeId,
                electionTicks,
                heartbeatTicks,
                preVote,
                checkQuorum,
                readOnlyMode,
                maxInflightMessages,
                maxInflightBytes,
                maxBytesPerMessage,
                maxUncommittedEntriesBytes,
                proposalForwarding,
                randomSeed);
    }

    public RaftConfig withRandomSeed(long randomSeed) {
        return new RaftConfig(
                nodeId,
                electionTicks,
                heartbeatTicks,
                preVote,
                checkQuorum,
                readOnlyMode,
                maxInflightMessages,
                maxInflightBytes,
                maxBytesPerMessage,
                maxUncommittedEntriesBytes,
                proposalForwarding,
                randomSeed);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("RaftConfig: " + message);
        }
    }
}
