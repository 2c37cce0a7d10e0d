package dev.flotilla.raft;

import java.util.Arrays;
import java.util.Objects;

/**
 * A snapshot as the core sees it: the point in the log it replaces, and the membership in force there.
 *
 * <p>The state machine data itself never passes through the core. {@code handle} is opaque bytes that the snapshot
 * transfer layer resolves to files (for example a manifest id); the core only carries it from leader to follower.
 *
 * <p>A snapshot at index 0 covers no entries; it only records the initial membership of a new group.
 *
 * @param index last log index the snapshot covers; 0 for a new group
 * @param term term of the entry at {@code index}
 */
public record SnapshotMeta(long index, long term, Membership membership, byte[] handle) {
    public static final SnapshotMeta EMPTY = new SnapshotMeta(0, 0, Membership.EMPTY, new byte[0]);

    public SnapshotMeta {
        if (index < 0 || term < 0 || (index == 0) != (term == 0)) {
            throw new IllegalArgumentException("bad snapshot position " + index + "@" + term);
        }
        Objects.requireNonNull(membership, "membership");
        Objects.requireNonNull(handle, "handle");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SnapshotMeta s
                && index == s.index
                && term == s.term
                && membership.equals(s.membership)
                && Arrays.equals(handle, s.handle);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, term, membership, Arrays.hashCode(handle));
    }

    @Override
    public String toString() {
        return "SnapshotMeta[" + index + "@" + term + " " + membership + " handle=" + handle.length + "B]";
    }
}
