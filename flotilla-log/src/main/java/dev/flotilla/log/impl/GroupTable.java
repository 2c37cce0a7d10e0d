package dev.flotilla.log.impl;

import java.util.Collection;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The groups present, by id. Records are applied by the writer (or recovery); lookups come from any thread. */
final class GroupTable {
    private final ConcurrentMap<Long, GroupIndex> groups = new ConcurrentHashMap<>();
    private final Segments segments;
    private final EntryCache cache;

    GroupTable(Segments segments, EntryCache cache) {
        this.segments = segments;
        this.cache = cache;
    }

    /** Applies a record written at {@code frameStart} of {@code segment}: removes, creates or updates a group. */
    void apply(GroupRecord record, Segment segment, long frameStart) {
        if (record.has(WalFormat.FLAG_REMOVE)) {
            GroupIndex removed = groups.remove(record.groupId());
            if (removed != null) {
                removed.markRemoved();
                removed.clear();
            }
            return;
        }
        GroupIndex group = groups.get(record.groupId());
        if (group == null) {
            group = groups.computeIfAbsent(record.groupId(), id -> new GroupIndex(id, segments, cache));
        }
        group.apply(record, segment, frameStart);
    }

    Optional<GroupIndex> get(long groupId) {
        return Optional.ofNullable(groups.get(groupId));
    }

    Collection<GroupIndex> all() {
        return groups.values();
    }

    /** In ascending order, so that whoever opens the groups one by one does so in the same order on every run. */
    SortedSet<Long> ids() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(groups.keySet()));
    }

    int size() {
        return groups.size();
    }
}
