package dev.flotilla.sim.raft;

import dev.flotilla.raft.Entry;
import dev.flotilla.raft.LogStorage;
import dev.flotilla.raft.MemoryLogStorage;
import dev.flotilla.raft.Role;
import dev.flotilla.raft.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks the Raft paper's five safety properties (Figure 3) and the simulator's own, on the nodes' real state:
 *
 * <ul>
 *   <li><b>Election safety</b>: at most one leader per term.
 *   <li><b>Leader append-only</b>: a leader never overwrites or deletes entries of its log while it leads.
 *   <li><b>Log matching</b>: two logs with an entry of the same index and term agree on it and on the entries before.
 *   <li><b>Leader completeness</b>: a leader's log holds every committed entry.
 *   <li><b>State machine safety</b>: no two nodes apply different entries at one index.
 *   <li>Committed entries are never lost or changed, and every node applies the same sequence, without gaps.
 * </ul>
 *
 * <p>"Committed" means applied by some node: the core hands out only committed entries for apply.
 */
final class SafetyChecker {
    private static final int LOG_MATCHING_DEPTH = 8;

    private final Map<Long, Long> leaderOfTerm = new HashMap<>();
    /** Per node while it leads: {term, lastIndex, termAtLastIndex} seen at the last check. */
    private final Map<Long, long[]> leaderLogMark = new HashMap<>();
    /** committed.get(i - 1) is the entry committed at index i, as first applied anywhere. */
    private final List<Entry> committed = new ArrayList<>();
    /**
     * commitTermBound.get(i - 1): the highest term seen anywhere when index i was first applied, so the term in which
     * it was committed is at most this. Leader completeness binds leaders of later terms only.
     */
    private final List<Long> commitTermBound = new ArrayList<>();

    private long maxTermSeen;

    private Optional<String> violation = Optional.empty();

    Optional<String> violation() {
        return violation;
    }

    void fail(String message) {
        if (violation.isEmpty()) {
            violation = Optional.of(message);
        }
    }

    /** A term that exists in the cluster (in a sent message or a persisted hard state). */
    void termSeen(long term) {
        maxTermSeen = Math.max(maxTermSeen, term);
    }

    /** A node applied {@code e}; it must follow the node's previous apply and match what others applied there. */
    void applied(long node, long previousApplied, Entry e) {
        if (e.index() != previousApplied + 1) {
            fail("node " + node + " applied index " + e.index() + " right after " + previousApplied);
        }
        if (e.index() <= committed.size()) {
            Entry first = committed.get((int) (e.index() - 1));
            if (!first.equals(e)) {
                fail("state machine safety: node " + node + " applied " + e + " at " + e.index() + " where " + first
                        + " was applied before");
            }
        } else if (e.index() == committed.size() + 1) {
            committed.add(e);
            commitTermBound.add(maxTermSeen);
        } else {
            fail("node " + node + " applied " + e + " but only " + committed.size() + " entries are known committed");
        }
    }

    /** A node restored a snapshot: it must describe a committed prefix. */
    void snapshotInstalled(long node, long index, long term) {
        if (index > committed.size()) {
            fail("node " + node + " installed a snapshot at " + index + " beyond the committed " + committed.size());
        } else if (index > 0 && committed.get((int) (index - 1)).term() != term) {
            fail("node " + node + " installed a snapshot at " + index + "@" + term
                    + " but the committed entry there is " + committed.get((int) (index - 1)));
        }
    }

    /** Checks the state-based properties over all live nodes. */
    void check(List<SimNode> nodes) {
        for (SimNode n : nodes) {
            if (!n.up) {
                continue;
            }
            Status st = n.replica.status();
            MemoryLogStorage log = n.disk.visible();
            if (st.role() == Role.LEADER) {
                long term = st.hardState().term();
                Long previous = leaderOfTerm.putIfAbsent(term, n.id);
                if (previous != null && previous != n.id) {
                    fail("election safety: nodes " + previous + " and " + n.id + " both led term " + term);
                }
                checkAppendOnly(n.id, term, log);
                checkCompleteness(n.id, term, log);
            } else {
                leaderLogMark.remove(n.id);
            }
            checkOwnCommitted(n.id, st.hardState().commit(), log);
        }
        for (int i = 0; i < nodes.size(); i++) {
            for (int j = i + 1; j < nodes.size(); j++) {
                if (nodes.get(i).up && nodes.get(j).up) {
                    checkLogMatching(nodes.get(i), nodes.get(j));
                }
            }
        }
    }

    private void checkAppendOnly(long node, long term, MemoryLogStorage log) {
        long[] mark = leaderLogMark.get(node);
        if (mark != null && mark[0] == term) {
            long markedTerm = termAt(log, mark[1]);
            if (log.lastIndex() < mark[1] || (markedTerm != -1 && markedTerm != mark[2])) {
                fail("leader append-only: leader " + node + " of term " + term + " had entry " + mark[1] + "@" + mark[2]
                        + " and now its log ends at " + log.lastIndex() + " with term " + markedTerm);
            }
        }
        leaderLogMark.put(node, new long[] {term, log.lastIndex(), termAt(log, log.lastIndex())});
    }

    private void checkCompleteness(long node, long term, MemoryLogStorage log) {
        // The highest index committed in a term before this leader's (bounds only grow with the index).
        int lo = 0;
        int hi = commitTermBound.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (commitTermBound.get(mid) < term) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        long c = lo;
        if (c == 0) {
            return;
        }
        Entry expected = committed.get((int) (c - 1));
        if (log.lastIndex() < c) {
            fail("leader completeness: leader " + node + " of term " + term + " has a log ending at " + log.lastIndex()
                    + " but " + expected + " was committed in an earlier term");
            return;
        }
        long t = termAt(log, c);
        if (t != -1 && t != expected.term()) {
            fail("leader completeness: leader " + node + " of term " + term + " has term " + t + " at index " + c
                    + " where " + expected + " was committed in an earlier term");
        }
    }

    private void checkOwnCommitted(long node, long commit, MemoryLogStorage log) {
        long upTo = Math.min(commit, committed.size());
        for (long i = upTo; i > Math.max(0, upTo - LOG_MATCHING_DEPTH); i--) {
            Optional<Entry> e = entryAt(log, i);
            if (e.isPresent() && !e.get().equals(committed.get((int) (i - 1)))) {
                fail("committed entry changed: node " + node + " holds " + e.get() + " at " + i + " where "
                        + committed.get((int) (i - 1)) + " was committed");
                return;
            }
        }
    }

    private void checkLogMatching(SimNode a, SimNode b) {
        MemoryLogStorage la = a.disk.visible();
        MemoryLogStorage lb = b.disk.visible();
        long x = Math.min(la.lastIndex(), lb.lastIndex());
        // Find the highest index (near the end) where both have the same term, then compare the entries before it.
        for (long i = x; i > Math.max(0, x - LOG_MATCHING_DEPTH); i--) {
            long ta = termAt(la, i);
            if (ta == -1 || ta != termAt(lb, i)) {
                continue;
            }
            for (long k = i; k > Math.max(0, i - LOG_MATCHING_DEPTH); k--) {
                Optional<Entry> ea = entryAt(la, k);
                Optional<Entry> eb = entryAt(lb, k);
                if (ea.isPresent() && eb.isPresent() && !ea.get().equals(eb.get())) {
                    fail("log matching: nodes " + a.id + " and " + b.id + " agree on index " + i + "@" + ta
                            + " but differ at " + k + ": " + ea.get() + " vs " + eb.get());
                    return;
                }
            }
            return;
        }
    }

    /** The term at {@code index}, or -1 if compacted away. */
    private static long termAt(LogStorage log, long index) {
        if (index < log.snapshot().index() || index > log.lastIndex()) {
            return -1;
        }
        return log.term(index);
    }

    private static Optional<Entry> entryAt(LogStorage log, long index) {
        if (index < log.firstIndex() || index > log.lastIndex()) {
            return Optional.empty();
        }
        return Optional.of(log.entries(index, index + 1, Long.MAX_VALUE).get(0));
    }
}
