package dev.flotilla.log;

import dev.flotilla.raft.Entry;
import dev.flotilla.raft.EntryType;
import dev.flotilla.raft.HardState;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.SnapshotMeta;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;

/**
 * Valid random batches for a few groups: appends (some overlapping the log, as after a leader change), truncations,
 * snapshot markers that compact, hard states. Every batch is valid for the model it is generated from, so the engine
 * must accept it and end up where the model does.
 */
public final class RandomWorkload {
    private final Random random;
    private final int groups;
    private final int maxEntryBytes;
    private long term = 1;

    public RandomWorkload(Random random, int groups, int maxEntryBytes) {
        this.random = random;
        this.groups = groups;
        this.maxEntryBytes = maxEntryBytes;
    }

    /** A batch valid for {@code model} as it is now; the caller applies it to the model once acknowledged. */
    public LogBatch nextBatch(LogModel model) {
        LogModel shadow = model.copy();
        List<GroupWrite> writes = new ArrayList<>();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            GroupWrite write = nextWrite(shadow, random.nextInt(groups) + 1);
            writes.add(write);
            shadow.apply(LogBatch.of(write));
        }
        return new LogBatch(writes);
    }

    private GroupWrite nextWrite(LogModel model, long group) {
        if (random.nextInt(20) == 0) {
            term++;
        }
        long first = model.firstIndex(group);
        long last = model.lastIndex(group);
        Optional<SnapshotMeta> snapshot = Optional.empty();
        OptionalLong truncate = OptionalLong.empty();
        List<Entry> entries = new ArrayList<>();
        Optional<HardState> hardState = Optional.empty();
        int kind = random.nextInt(10);
        if (kind == 0 && last >= first) {
            long at = first + random.nextInt((int) (last - first + 1));
            snapshot = Optional.of(new SnapshotMeta(at, model.term(group, at), members(), handle()));
        } else if (kind == 1 && random.nextInt(4) == 0) {
            long at = last + 1 + random.nextInt(5);
            snapshot = Optional.of(new SnapshotMeta(at, term, members(), handle()));
        } else if (kind == 2 && last >= first) {
            truncate = OptionalLong.of(first + random.nextInt((int) (last - first + 2)));
        }
        if (kind != 2 || random.nextBoolean()) {
            long lastAfter = snapshot.map(s -> Math.max(s.index(), model.lastIndex(group)))
                    .orElse(last);
            if (snapshot.isPresent() && snapshot.get().index() > last) {
                lastAfter = snapshot.get().index();
            }
            if (truncate.isPresent()) {
                lastAfter = truncate.getAsLong() - 1;
            }
            long floor = snapshot.map(SnapshotMeta::index).orElse(first - 1) + 1;
            long from = random.nextInt(4) == 0 ? Math.max(floor, lastAfter - random.nextInt(3)) : lastAfter + 1;
            int n = 1 + random.nextInt(4);
            for (int i = 0; i < n; i++) {
                entries.add(entry(Math.max(floor, from) + i));
            }
        }
        boolean nothingElse = snapshot.isEmpty() && truncate.isEmpty() && entries.isEmpty();
        if (nothingElse || random.nextInt(3) == 0) {
            hardState = Optional.of(new HardState(term, random.nextInt(3), random.nextInt(100)));
        }
        return new GroupWrite(group, snapshot, truncate, entries, hardState);
    }

    private Entry entry(long index) {
        byte[] data = new byte[random.nextInt(maxEntryBytes + 1)];
        random.nextBytes(data);
        return new Entry(index, term, random.nextInt(8) == 0 ? EntryType.CONF_CHANGE : EntryType.NORMAL, data);
    }

    private Membership members() {
        return Membership.ofVoters(new HashSet<>(List.of(1L, 2L, 2L + random.nextInt(3))));
    }

    private byte[] handle() {
        byte[] handle = new byte[random.nextInt(6)];
        random.nextBytes(handle);
        return handle;
    }
}
