package dev.flotilla.log.impl;

import dev.flotilla.raft.Entry;
import dev.flotilla.raft.HardState;
import dev.flotilla.raft.LogStorage;
import dev.flotilla.raft.SnapshotMeta;
import java.util.List;
import java.util.Optional;

/**
 * {@link LogStorage} of one group. It follows the group through creation, removal and re-creation: the index it found
 * is kept until it is marked removed, then looked up again. (A runtime asks for the last index of every group on every
 * tick; a map lookup with a boxed key each time cost a tenth of a busy node's driver thread.)
 */
final class GroupView implements LogStorage {
    private final GroupTable groups;
    private final long groupId;
    private volatile GroupIndex found;

    GroupView(GroupTable groups, long groupId) {
        this.groups = groups;
        this.groupId = groupId;
    }

    private Optional<GroupIndex> group() {
        GroupIndex current = found;
        if (current != null && !current.isRemoved()) {
            return Optional.of(current);
        }
        Optional<GroupIndex> lookedUp = groups.get(groupId);
        found = lookedUp.orElse(null);
        return lookedUp;
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
