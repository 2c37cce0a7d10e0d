package dev.flotilla.log.impl;

import dev.flotilla.log.GroupWrite;
import dev.flotilla.log.LogBatch;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Checks batches against the groups' shapes as they will be once the batches before them in the same write apply,
 * so that a write never holds a record the index would refuse. Used by the writer only.
 */
final class BatchValidator {
    /** The part of a group's state the rules look at. */
    private record Shape(long snapshotIndex, long lastIndex) {}

    private static final Shape NEW_GROUP = new Shape(0, 0);

    private final GroupTable groups;
    private final Map<Long, Shape> pending = new HashMap<>();

    BatchValidator(GroupTable groups) {
        this.groups = groups;
    }

    /** Forgets the shapes of the previous write. */
    void reset() {
        pending.clear();
    }

    /** @throws IllegalArgumentException naming the first rule the batch breaks; then nothing is recorded */
    void accept(LogBatch batch) {
        if (batch.writes().size() == 1) { // the common case, without the scratch map
            GroupWrite write = batch.writes().get(0);
            Shape before = pending.get(write.groupId());
            boolean isCurrent = before == null;
            pending.put(write.groupId(), next(write, isCurrent ? current(write.groupId()) : before, isCurrent));
            return;
        }
        Map<Long, Shape> shapes = new HashMap<>();
        for (GroupWrite write : batch.writes()) {
            long id = write.groupId();
            Shape before = shapes.getOrDefault(id, pending.getOrDefault(id, current(id)));
            shapes.put(id, next(write, before, !shapes.containsKey(id) && !pending.containsKey(id)));
        }
        pending.putAll(shapes);
    }

    /**
     * Whether the batch places a snapshot marker on a group that an earlier batch of this write changed. Whether such a
     * marker keeps the log depends on the term at its index, which only the applied index knows: the writer ends the
     * write before such a batch, so that it is checked against applied state.
     */
    boolean marksPendingGroup(LogBatch batch) {
        for (GroupWrite write : batch.writes()) {
            if (write.snapshot().isPresent() && pending.containsKey(write.groupId())) {
                return true;
            }
        }
        return false;
    }

    void removed(long groupId) {
        pending.put(groupId, NEW_GROUP);
    }

    private Shape current(long id) {
        Optional<GroupIndex> group = groups.get(id);
        if (group.isEmpty()) {
            return NEW_GROUP;
        }
        synchronized (group.get()) {
            return new Shape(group.get().snapshotIndex(), group.get().lastIndex());
        }
    }

    private Shape next(GroupWrite write, Shape shape, boolean shapeIsCurrent) {
        long id = write.groupId();
        long snapshotIndex = shape.snapshotIndex();
        long lastIndex = shape.lastIndex();
        if (write.snapshot().isPresent()) {
            long at = write.snapshot().get().index();
            if (at < snapshotIndex) {
                throw new IllegalArgumentException("group " + id + ": snapshot marker at " + at
                        + " is behind the current one at " + snapshotIndex);
            }
            if (at > snapshotIndex) {
                if (at > lastIndex
                        || (shapeIsCurrent
                                && !termMatches(id, at, write.snapshot().get().term()))) {
                    lastIndex = at;
                }
                snapshotIndex = at;
            }
        }
        if (write.truncateFrom().isPresent()) {
            long from = write.truncateFrom().getAsLong();
            if (from <= snapshotIndex || from > lastIndex + 1) {
                throw new IllegalArgumentException("group " + id + ": truncation from " + from + " is outside "
                        + (snapshotIndex + 1) + ".." + (lastIndex + 1));
            }
            lastIndex = from - 1;
        }
        if (!write.entries().isEmpty()) {
            long first = write.entries().get(0).index();
            if (first <= snapshotIndex || first > lastIndex + 1) {
                throw new IllegalArgumentException("group " + id + ": entries from " + first + " would leave a gap"
                        + " or overwrite the snapshot; they must start in " + (snapshotIndex + 1) + ".."
                        + (lastIndex + 1));
            }
            lastIndex = write.entries().get(write.entries().size() - 1).index();
        }
        return new Shape(snapshotIndex, lastIndex);
    }

    private boolean termMatches(long id, long index, long term) {
        return groups.get(id).map(g -> g.term(index) == term).orElse(false);
    }
}
