package dev.flotilla.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class RaftConfigTest {
    private static void rejected(String fragment, Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void defaultsAreValidAndSensible() {
        RaftConfig c = RaftConfig.defaults(3);
        assertEquals(3, c.nodeId());
        assertTrue(c.preVote() && c.checkQuorum() && c.proposalForwarding());
        assertEquals(ReadOnlyMode.READ_INDEX, c.readOnlyMode());
    }

    @Test
    void everyFieldIsValidatedWithAClearMessage() {
        RaftConfig d = RaftConfig.defaults(1);
        rejected("nodeId", () -> RaftConfig.defaults(0));
        rejected("heartbeatTicks", () -> d.withElectionTicks(10, 0));
        rejected("electionTicks (5) must be greater than heartbeatTicks (5)", () -> d.withElectionTicks(5, 5));
        rejected("maxInflightMessages", () -> d.withFlowControl(0, 1, 1, 1));
        rejected("maxInflightBytes", () -> d.withFlowControl(1, 0, 1, 1));
        rejected("maxBytesPerMessage", () -> d.withFlowControl(1, 1, 0, 1));
        rejected("maxUncommittedEntriesBytes", () -> d.withFlowControl(1, 1, 1, 0));
        rejected("readOnlyMode must be given", () -> d.withElection(true, true, null));
    }

    @Test
    void leaseReadsRequireCheckQuorum() {
        rejected("LEASE_BASED requires checkQuorum", () -> RaftConfig.defaults(1)
                .withElection(true, false, ReadOnlyMode.LEASE_BASED));
        rejected("electionTicks > 2", () -> RaftConfig.defaults(1)
                .withElectionTicks(2, 1)
                .withElection(true, true, ReadOnlyMode.LEASE_BASED));
        assertEquals(
                ReadOnlyMode.LEASE_BASED,
                RaftConfig.defaults(1)
                        .withElection(true, true, ReadOnlyMode.LEASE_BASED)
                        .readOnlyMode());
    }

    @Test
    void withersChangeOnlyTheirFields() {
        RaftConfig c = RaftConfig.defaults(1).withRandomSeed(9).withProposalForwarding(false);
        assertEquals(9, c.randomSeed());
        assertEquals(false, c.proposalForwarding());
        assertEquals(RaftConfig.defaults(1).electionTicks(), c.electionTicks());
    }
}
