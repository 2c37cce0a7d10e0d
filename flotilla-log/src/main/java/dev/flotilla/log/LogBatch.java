package dev.flotilla.log;

import dev.flotilla.raft.Entry;
import dev.flotilla.raft.HardState;
import dev.flotilla.raft.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Writes for any number of groups that become durable together: after a crash, recovery finds either all of a batch or
 * none of it. Writes apply in list order; a group may appear more than once.
 */
public record LogBatch(List<GroupWrite> writes) {
    public LogBatch {
        writes = List.copyOf(writes);
        if (writes.isEmpty()) {
            throw new IllegalArgumentException("empty batch");
        }
    }

    public static LogBatch of(GroupWrite... writes) {
        return new LogBatch(List.of(writes));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects a batch group by group, the way a runtime drains the {@code Ready}s of many groups. */
    public static final class Builder {
        private final List<GroupWrite> writes = new ArrayList<>();

        private Builder() {}

        /** Adds the parts of one group's {@code Ready}; empty parts are skipped, and nothing is added if all are. */
        public Builder add(
                long groupId,
                Optional<SnapshotMeta> snapshot,
                OptionalLong truncateFrom,
                List<Entry> entries,
                Optional<HardState> hardState) {
            if (snapshot.isPresent() || truncateFrom.isPresent() || !entries.isEmpty() || hardState.isPresent()) {
                writes.add(new GroupWrite(groupId, snapshot, truncateFrom, entries, hardState));
            }
            return this;
        }

        public Builder add(GroupWrite write) {
            writes.add(write);
            return this;
        }

        public boolean isEmpty() {
            return writes.isEmpty();
        }

        public LogBatch build() {
            return new LogBatch(writes);
        }
    }
}
