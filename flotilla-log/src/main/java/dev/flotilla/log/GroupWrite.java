package dev.flotilla.log;

import dev.flotilla.raft.Entry;
import dev.flotilla.raft.HardState;
import dev.flotilla.raft.SnapshotMeta;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one batch writes for one group. The parts apply in this order, which is also the order a Raft {@code Ready}
 * must be persisted in:
 *
 * <ol>
 *   <li>{@code snapshot}: a snapshot marker. It compacts the log up to its index: if the log holds the entry at that
 *       index with the marker's term, later entries stay; otherwise the whole log is discarded and the group continues
 *       after the marker. A marker at the current snapshot index only replaces its membership and handle (a marker at
 *       index 0 records the initial membership of a new group). A marker below the current one is rejected.
 *   <li>{@code truncateFrom}: drops every entry at this index or above. It must lie in {@code
 *       firstIndex()..lastIndex() + 1}.
 *   <li>{@code entries}: contiguous entries. The first must lie in {@code firstIndex()..lastIndex() + 1}; entries
 *       already stored at its index or above are replaced (an append that overlaps the log truncates implicitly, as in
 *       Raft's conflict rule).
 *   <li>{@code hardState}: replaces the group's hard state.
 * </ol>
 *
 * <p>A write that breaks these rules fails its whole batch with {@link IllegalArgumentException}; nothing of the batch
 * is written.
 */
public record GroupWrite(
        long groupId,
        Optional<SnapshotMeta> snapshot,
        OptionalLong truncateFrom,
        List<Entry> entries,
        Optional<HardState> hardState) {
    public GroupWrite {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(truncateFrom, "truncateFrom");
        Objects.requireNonNull(hardState, "hardState");
        entries = List.copyOf(entries);
        for (int i = 1; i < entries.size(); i++) {
            if (entries.get(i).index() != entries.get(i - 1).index() + 1) {
                throw new IllegalArgumentException("entries of group " + groupId + " are not contiguous at "
                        + entries.get(i - 1) + ", " + entries.get(i));
            }
        }
        if (truncateFrom.isPresent() && truncateFrom.getAsLong() < 1) {
            throw new IllegalArgumentException("truncateFrom must be >= 1, was " + truncateFrom.getAsLong());
        }
        if (snapshot.isEmpty() && truncateFrom.isEmpty() && entries.isEmpty() && hardState.isEmpty()) {
            throw new IllegalArgumentException("empty write for group " + groupId);
        }
    }

    /** Entries only. */
    public static GroupWrite entries(long groupId, List<Entry> entries) {
        return new GroupWrite(groupId, Optional.empty(), OptionalLong.empty(), entries, Optional.empty());
    }

    /** A hard state only. */
    public static GroupWrite hardState(long groupId, HardState hardState) {
        return new GroupWrite(groupId, Optional.empty(), OptionalLong.empty(), List.of(), Optional.of(hardState));
    }

    /** A snapshot marker only. */
    public static GroupWrite snapshot(long groupId, SnapshotMeta snapshot) {
        return new GroupWrite(groupId, Optional.of(snapshot), OptionalLong.empty(), List.of(), Optional.empty());
    }

    /** A truncation only. */
    public static GroupWrite truncate(long groupId, long fromIndex) {
        return new GroupWrite(groupId, Optional.empty(), OptionalLong.of(fromIndex), List.of(), Optional.empty());
    }
}
