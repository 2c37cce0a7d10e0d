package dev.flotilla.log.impl;

import dev.flotilla.raft.Entry;
import dev.flotilla.raft.HardState;
import dev.flotilla.raft.LogStorage;
import dev.flotilla.raft.SnapshotMeta;
import java.util.List;
import java.util.Optional;

/** {@link LogStorage} of one group, looked up on every call so it follows the group through removal and re-creation. */
final class GroupView implements LogStorage {
    private final GroupTable groups;
    private final long groupId;

    GroupView(GroupTable groups, long groupId) {
        this.groups = groups;
        this.groupId = groupId;
    }

    private Optional<GroupIndex> group() {
        return groups.get(groupId);
    }

    @Override
    public HardState hardState() {
        return group().map(GroupIndex::hardState).orElse(HardState.EMPTY);
    }

    @Override
    public long firstIndex() {
        return group().map(GroupIndex::firstIndex).orElse(1L);
    }

    @Override
    public long lastIndex() {
        return group().map(GroupIndex::lastIndex).orElse(0L);
    }

    @Override
    public long term(long index) {
        Optional<GroupIndex> group = group();
        if (group.isPresent()) {
            return group.get().term(index);
        }
        if (index == 0) {
            return 0;
        }
        throw new IndexOutOfBoundsException("group " + groupId + " is empty; no term at " + index);
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxBytes) {
        Optional<GroupIndex> group = group();
        if (group.isPresent()) {
            return group.get().entries(lo, hi, maxBytes);
        }
        if (lo == 1 && hi == 1) {
            return List.of();
        }
        throw new IndexOutOfBoundsException("group " + groupId + " is empty; no entries in [" + lo + ", " + hi + ")");
    }

    @Override
    public SnapshotMeta snapshot() {
        return group().map(GroupIndex::snapshot).orElse(SnapshotMeta.EMPTY);
    }
}
