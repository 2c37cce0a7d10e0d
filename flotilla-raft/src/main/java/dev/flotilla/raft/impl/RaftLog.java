package dev.flotilla.raft.impl;

import dev.flotilla.raft.Entry;
import dev.flotilla.raft.LogStorage;
import dev.flotilla.raft.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A replica's view of its log: what {@link LogStorage} holds durably, plus the unstable tail (and possibly a received
 * snapshot) that the core accepted but the caller has not yet persisted.
 */
final class RaftLog {
    private final LogStorage storage;
    /** A snapshot received from the leader and not yet persisted; it replaces everything the storage holds. */
    private Optional<SnapshotMeta> unstableSnapshot = Optional.empty();
    /** Entries not yet persisted; the first has index {@code unstableOffset}. */
    private final List<Entry> unstable = new ArrayList<>();

    private long unstableOffset;
    private long committed;
    private long applied;

    RaftLog(LogStorage storage, long committed) {
        this.storage = storage;
        this.unstableOffset = storage.lastIndex() + 1;
        long snapshotIndex = storage.snapshot().index();
        if (committed < snapshotIndex) {
            committed = snapshotIndex;
        }
        if (committed > storage.lastIndex()) {
            throw new IllegalStateException(
                    "stored commit index " + committed + " is beyond the stored log, which ends at "
                            + storage.lastIndex() + ": the storage lost acknowledged entries");
        }
        this.committed = committed;
        this.applied = snapshotIndex;
    }

    long committed() {
        return committed;
    }

    long applied() {
        return applied;
    }

    long firstIndex() {
        return unstableSnapshot.map(s -> s.index() + 1).orElseGet(storage::firstIndex);
    }

    long lastIndex() {
        if (!unstable.isEmpty()) {
            return unstableOffset + unstable.size() - 1;
        }
        return unstableSnapshot.map(SnapshotMeta::index).orElseGet(storage::lastIndex);
    }

    /** The last index the caller has persisted (0 while a received snapshot is not yet persisted). */
    long lastStableIndex() {
        return unstableSnapshot.isPresent() ? 0 : unstableOffset - 1;
    }

    long lastTerm() {
        return termOrZero(lastIndex());
    }

    /** The latest snapshot: the unstable one if any, else the stored one. */
    SnapshotMeta snapshot() {
        return unstableSnapshot.orElseGet(storage::snapshot);
    }

    /** Term at {@code index}, or 0 if the index is compacted (below the snapshot) or beyond the last index. */
    long termOrZero(long index) {
        if (index > lastIndex()) {
            return 0;
        }
        if (index >= unstableOffset) {
            return unstable.get((int) (index - unstableOffset)).term();
        }
        SnapshotMeta snap = snapshot();
        if (index == snap.index()) {
            return snap.term();
        }
        if (index < snap.index() || unstableSnapshot.isPresent()) {
            return 0;
        }
        return storage.term(index);
    }

    boolean matchTerm(long index, long term) {
        return index <= lastIndex() && index >= snapshot().index() && termOrZero(index) == term;
    }

    /** True if a log ending at ({@code lastIndex}, {@code lastTerm}) is at least as up-to-date as this one (§5.4.1). */
    boolean isUpToDate(long lastIndex, long lastTerm) {
        return lastTerm > lastTerm() || (lastTerm == lastTerm() && lastIndex >= lastIndex());
    }

    /**
     * Entries in {@code [lo, lastIndex]} up to about {@code maxBytes} (at least one if any), or empty if {@code lo} is
     * compacted: then the caller must send a snapshot.
     */
    Optional<List<Entry>> entriesFrom(long lo, long maxBytes) {
        if (lo < firstIndex()) {
            return Optional.empty();
        }
        return Optional.of(slice(lo, lastIndex() + 1, maxBytes));
    }

    private List<Entry> slice(long lo, long hi, long maxBytes) {
        List<Entry> out = new ArrayList<>();
        long bytes = 0;
        if (lo < unstableOffset && unstableSnapshot.isEmpty()) {
            List<Entry> stored = storage.entries(lo, Math.min(hi, unstableOffset), maxBytes);
            for (Entry e : stored) {
                bytes += e.sizeBytes();
            }
            out.addAll(stored);
            if (stored.size() < Math.min(hi, unstableOffset) - lo) {
                return out;
            }
        }
        for (long i = Math.max(lo, unstableOffset); i < hi; i++) {
            Entry e = unstable.get((int) (i - unstableOffset));
            bytes += e.sizeBytes();
            if (!out.isEmpty() && bytes > maxBytes) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    /** Appends entries that follow {@code lastIndex()} or replace a suffix of the log (conflicts are truncated). */
    void append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        long first = entries.get(0).index();
        if (first <= committed) {
            throw new IllegalStateException("append at " + first + " would overwrite committed index " + committed);
        }
        if (first > lastIndex() + 1) {
            throw new IllegalStateException("append at " + first + " leaves a gap after " + lastIndex());
        }
        if (first >= unstableOffset) {
            unstable.subList((int) (first - unstableOffset), unstable.size()).clear();
        } else {
            // Replacing persisted entries: the unstable tail restarts at the conflict, and the Ready that carries it
            // makes the caller truncate the stored suffix.
            unstable.clear();
            unstableOffset = first;
        }
        unstable.addAll(entries);
    }

    /**
     * Follower side of an append: if the log matches at ({@code prevIndex}, {@code prevTerm}) accepts {@code entries}
     * (truncating the first conflict) and returns the last index now known to match the leader; otherwise empty.
     */
    Optional<Long> tryAppend(long prevIndex, long prevTerm, long leaderCommit, List<Entry> entries) {
        if (!matchTerm(prevIndex, prevTerm)) {
            return Optional.empty();
        }
        long lastNew = prevIndex + entries.size();
        for (Entry e : entries) {
            if (!matchTerm(e.index(), e.term())) {
                if (e.index() <= committed) {
                    throw new IllegalStateException(
                            "leader's entry " + e + " conflicts with committed index " + committed);
                }
                append(entries.subList((int) (e.index() - prevIndex - 1), entries.size()));
                break;
            }
        }
        commitTo(Math.min(leaderCommit, lastNew));
        return Optional.of(lastNew);
    }

    /**
     * The fast-backtracking hint: the last index at or below {@code index} whose term is at most {@code term}, and
     * that term. Every entry above it is known not to match a log whose entry at {@code index} has {@code term}.
     */
    long[] conflictHint(long index, long term) {
        long i = Math.min(index, lastIndex());
        long firstKnown = snapshot().index();
        while (i > firstKnown) {
            long t = termOrZero(i);
            if (t <= term) {
                return new long[] {i, t};
            }
            i--;
        }
        return new long[] {firstKnown, snapshot().term()};
    }

    void commitTo(long index) {
        if (index > committed) {
            if (index > lastIndex()) {
                throw new IllegalStateException("commit " + index + " is beyond the last index " + lastIndex());
            }
            committed = index;
        }
    }

    /** Commits {@code index} if it is from {@code term}: a leader commits only entries of its own term (§5.4.2). */
    boolean maybeCommit(long index, long term) {
        if (index > committed && termOrZero(index) == term) {
            committed = index;
            return true;
        }
        return false;
    }

    /** Accepts a snapshot from the leader: the log now starts after it and everything is committed up to it. */
    void restore(SnapshotMeta snapshot) {
        unstableSnapshot = Optional.of(snapshot);
        unstable.clear();
        unstableOffset = snapshot.index() + 1;
        committed = snapshot.index();
        applied = Math.max(applied, snapshot.index());
    }

    Optional<SnapshotMeta> unstableSnapshot() {
        return unstableSnapshot;
    }

    List<Entry> unstableEntries() {
        return List.copyOf(unstable);
    }

    boolean hasUnstable() {
        return unstableSnapshot.isPresent() || !unstable.isEmpty();
    }

    /** Committed entries not yet handed out for apply, up to {@code maxBytes} (at least one if any). */
    List<Entry> nextCommitted(long maxBytes) {
        if (committed <= applied) {
            return List.of();
        }
        return slice(applied + 1, committed + 1, maxBytes);
    }

    boolean hasNextCommitted() {
        return committed > applied;
    }

    /** The caller persisted everything handed out in a Ready up to ({@code index}, {@code term}) and the snapshot. */
    void stableTo(Optional<SnapshotMeta> snapshot, long index, long term) {
        snapshot.ifPresent(s -> {
            if (unstableSnapshot.isPresent() && unstableSnapshot.get().index() == s.index()) {
                unstableSnapshot = Optional.empty();
            }
        });
        if (index >= unstableOffset && termOrZero(index) == term) {
            unstable.subList(0, (int) (index + 1 - unstableOffset)).clear();
            unstableOffset = index + 1;
        }
    }

    /**
     * The caller applied the committed entries up to {@code index}. It may lie below the applied index when a snapshot
     * was restored while those entries were handed out (a Ready still being persisted): the snapshot covers them.
     */
    void appliedTo(long index) {
        if (index > committed) {
            throw new IllegalStateException("applied index " + index + " is beyond the commit index " + committed);
        }
        applied = Math.max(applied, index);
    }
}
