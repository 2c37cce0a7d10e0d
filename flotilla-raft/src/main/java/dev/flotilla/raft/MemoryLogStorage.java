package dev.flotilla.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link LogStorage} in memory: for tests, simulations and benchmarks. Not thread-safe; "durable" means "stored in
 * this object". Its writers follow the {@link Ready} contract with {@link #persist(Ready)}.
 */
public final class MemoryLogStorage implements LogStorage {
    private HardState hardState = HardState.EMPTY;
    private SnapshotMeta snapshot;
    /** Entries after the snapshot: {@code entries.get(i).index() == snapshot.index() + 1 + i}. */
    private final List<Entry> entries = new ArrayList<>();

    /** A new group's storage: an empty log whose initial configuration is {@code membership}. */
    public MemoryLogStorage(Membership membership) {
        this.snapshot = new SnapshotMeta(0, 0, membership, new byte[0]);
    }

    /** A copy of {@code other}: what a restarted node would read from a disk holding the same state. */
    public static MemoryLogStorage copyOf(MemoryLogStorage other) {
        MemoryLogStorage copy = new MemoryLogStorage(Membership.EMPTY);
        copy.hardState = other.hardState;
        copy.snapshot = other.snapshot;
        copy.entries.addAll(other.entries);
        return copy;
    }

    /** Persists a Ready's snapshot, entries and hard state, in the order its contract asks. */
    public void persist(Ready ready) {
        ready.snapshot().ifPresent(this::installSnapshot);
        append(ready.entries());
        ready.hardState().ifPresent(this::setHardState);
    }

    public void setHardState(HardState hardState) {
        this.hardState = hardState;
    }

    /** Replaces the log with {@code snapshot}, keeping entries after it only if they agree with it. */
    public void installSnapshot(SnapshotMeta snapshot) {
        if (snapshot.index() <= this.snapshot.index()) {
            throw new IllegalArgumentException(
                    "snapshot " + snapshot + " is not newer than the stored " + this.snapshot);
        }
        List<Entry> kept = new ArrayList<>();
        if (snapshot.index() <= lastIndex() && term(snapshot.index()) == snapshot.term()) {
            kept.addAll(entries.subList((int) (snapshot.index() - this.snapshot.index()), entries.size()));
        }
        entries.clear();
        entries.addAll(kept);
        this.snapshot = snapshot;
    }

    /** Appends {@code newEntries}, first dropping any stored entry at or after the first new index. */
    public void append(List<Entry> newEntries) {
        if (newEntries.isEmpty()) {
            return;
        }
        long first = newEntries.get(0).index();
        if (first <= snapshot.index() || first > lastIndex() + 1) {
            throw new IllegalArgumentException(
                    "entries starting at " + first + " do not fit a log of " + firstIndex() + ".." + lastIndex());
        }
        int keep = (int) (first - firstIndex());
        entries.subList(keep, entries.size()).clear();
        entries.addAll(newEntries);
    }

    /**
     * Discards entries up to {@code index}: the state machine's state up to there is durable elsewhere, described by
     * a snapshot with the given membership (the one in force at {@code index}) and transfer handle.
     */
    public void compact(long index, Membership membership, byte[] handle) {
        if (index <= snapshot.index()) {
            return;
        }
        if (index > lastIndex()) {
            throw new IllegalArgumentException("cannot compact to " + index + " beyond the last index " + lastIndex());
        }
        SnapshotMeta next = new SnapshotMeta(index, term(index), membership, handle);
        entries.subList(0, (int) (index - snapshot.index())).clear();
        snapshot = next;
    }

    @Override
    public HardState hardState() {
        return hardState;
    }

    @Override
    public long firstIndex() {
        return snapshot.index() + 1;
    }

    @Override
    public long lastIndex() {
        return snapshot.index() + entries.size();
    }

    @Override
    public long term(long index) {
        if (index == snapshot.index()) {
            return snapshot.term();
        }
        if (index < snapshot.index()) {
            throw new CompactedException(index, firstIndex());
        }
        if (index > lastIndex()) {
            throw new IndexOutOfBoundsException("index " + index + " is beyond the last index " + lastIndex());
        }
        return entries.get((int) (index - firstIndex())).term();
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxBytes) {
        if (lo < firstIndex()) {
            throw new CompactedException(lo, firstIndex());
        }
        if (hi > lastIndex() + 1 || lo > hi) {
            throw new IndexOutOfBoundsException(
                    "entries [" + lo + ", " + hi + ") outside " + firstIndex() + ".." + lastIndex());
        }
        List<Entry> out = new ArrayList<>();
        long bytes = 0;
        for (long i = lo; i < hi; i++) {
            Entry e = entries.get((int) (i - firstIndex()));
            bytes += e.sizeBytes();
            if (!out.isEmpty() && bytes > maxBytes) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    @Override
    public SnapshotMeta snapshot() {
        return snapshot;
    }
}
