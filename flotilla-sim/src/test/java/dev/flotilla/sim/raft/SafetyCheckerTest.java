package dev.flotilla.sim.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.raft.Entry;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.RaftConfig;
import dev.flotilla.raft.Role;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SafetyCheckerTest {
    @Test
    void twoDifferentEntriesAppliedAtOneIndexViolateStateMachineSafety() {
        SafetyChecker c = new SafetyChecker();
        c.applied(1, 0, Entry.normal(1, 1, new byte[] {1}));
        c.applied(2, 0, Entry.normal(1, 2, new byte[] {2}));
        assertTrue(
                c.violation().orElseThrow().startsWith("state machine safety"),
                c.violation().toString());
    }

    @Test
    void applyingWithAGapIsAViolation() {
        SafetyChecker c = new SafetyChecker();
        c.applied(1, 0, Entry.normal(1, 1, new byte[] {1}));
        c.applied(1, 1, Entry.normal(2, 1, new byte[] {2}));
        c.applied(2, 0, Entry.normal(2, 1, new byte[] {2}));
        assertTrue(
                c.violation().orElseThrow().contains("node 2 applied index 2 right after 0"),
                c.violation().toString());
    }

    @Test
    void applyingBeyondWhatAnyoneCommittedIsAViolation() {
        SafetyChecker c = new SafetyChecker();
        c.applied(1, 0, Entry.normal(1, 1, new byte[] {1}));
        c.applied(1, 2, Entry.normal(3, 1, new byte[] {1}));
        assertTrue(
                c.violation().orElseThrow().contains("only 1 entries are known committed"),
                c.violation().toString());
    }

    @Test
    void theSameEntryAppliedEverywhereIsFine() {
        SafetyChecker c = new SafetyChecker();
        for (long node = 1; node <= 3; node++) {
            c.applied(node, 0, Entry.normal(1, 1, new byte[] {1}));
        }
        assertEquals(java.util.Optional.empty(), c.violation());
    }

    @Test
    void aSnapshotBeyondTheCommittedPrefixIsAViolation() {
        SafetyChecker c = new SafetyChecker();
        c.applied(1, 0, Entry.normal(1, 1, new byte[] {1}));
        c.snapshotInstalled(2, 5, 1);
        assertTrue(
                c.violation().orElseThrow().contains("beyond the committed"),
                c.violation().toString());
    }

    private static SimNode node(long id, Set<Long> voters) {
        return new SimNode(id, RaftConfig.defaults(id), Membership.ofVoters(voters), PlantedBug.NONE);
    }

    private static Entry entry(long index, long term, String data) {
        return Entry.normal(index, term, data.getBytes());
    }

    /** A single-voter node that elected itself and persisted its first entry. */
    private static SimNode leader() {
        SimNode n = node(1, Set.of(1L));
        n.replica.campaign();
        n.processReadies(
                m -> {},
                new SimNode.ReadyListener() {
                    @Override
                    public void termSeen(long term) {}

                    @Override
                    public void applied(SimNode node, long previousApplied, Entry entry) {}

                    @Override
                    public void snapshotInstalled(SimNode node, long index, long term) {}
                },
                false);
        assertEquals(Role.LEADER, n.replica.status().role());
        return n;
    }

    @Test
    void logsAgreeingOnAnIndexButNotBeforeItViolateLogMatching() {
        SimNode a = node(1, Set.of(1L, 2L));
        SimNode b = node(2, Set.of(1L, 2L));
        a.disk.visible().append(List.of(entry(1, 1, "a"), entry(2, 1, "x")));
        b.disk.visible().append(List.of(entry(1, 1, "b"), entry(2, 1, "x")));
        SafetyChecker c = new SafetyChecker();
        c.check(List.of(a, b));
        assertTrue(
                c.violation().orElseThrow().startsWith("log matching"),
                c.violation().toString());
    }

    @Test
    void identicalLogsPassLogMatching() {
        SimNode a = node(1, Set.of(1L, 2L));
        SimNode b = node(2, Set.of(1L, 2L));
        a.disk.visible().append(List.of(entry(1, 1, "a"), entry(2, 1, "x")));
        b.disk.visible().append(List.of(entry(1, 1, "a"), entry(2, 1, "x")));
        SafetyChecker c = new SafetyChecker();
        c.check(List.of(a, b));
        assertEquals(java.util.Optional.empty(), c.violation());
    }

    @Test
    void leaderRewritingItsOwnEntryViolatesLeaderAppendOnly() {
        SimNode leader = leader();
        long term = leader.replica.status().hardState().term();
        leader.disk.visible().append(List.of(entry(2, term, "mine")));
        SafetyChecker c = new SafetyChecker();
        c.check(List.of(leader));
        assertTrue(c.violation().isEmpty(), c.violation().toString());
        leader.disk.visible().append(List.of(entry(2, term + 1, "rewritten")));
        c.check(List.of(leader));
        assertTrue(
                c.violation().orElseThrow().startsWith("leader append-only"),
                c.violation().toString());
    }

    @Test
    void leaderMissingAnEntryCommittedInAnEarlierTermViolatesLeaderCompleteness() {
        SimNode leader = leader();
        SafetyChecker c = new SafetyChecker();
        c.applied(9, 0, entry(1, 1, "a"));
        c.applied(9, 1, entry(2, 1, "b"));
        c.check(List.of(leader));
        assertTrue(
                c.violation().orElseThrow().startsWith("leader completeness"),
                c.violation().toString());
    }

    @Test
    void leaderOfTheTermThatCommittedIsNotHeldToEntriesCommittedLater() {
        SimNode leader = leader();
        SafetyChecker c = new SafetyChecker();
        c.termSeen(leader.replica.status().hardState().term());
        c.applied(9, 0, Entry.normal(1, 1, new byte[0]));
        c.applied(9, 1, entry(2, 1, "b"));
        c.check(List.of(leader));
        assertEquals(java.util.Optional.empty(), c.violation(), "a stale leader may lack entries committed after it");
    }

    @Test
    void nodeHoldingAnotherEntryAtItsOwnCommitIndexViolatesCommittedEntriesNeverChange() {
        SimNode leader = leader();
        SafetyChecker c = new SafetyChecker();
        c.termSeen(leader.replica.status().hardState().term());
        c.applied(9, 0, entry(1, 1, "not what node 1 committed"));
        c.check(List.of(leader));
        assertTrue(
                c.violation().orElseThrow().startsWith("committed entry changed"),
                c.violation().toString());
    }
}
