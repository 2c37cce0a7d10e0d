package dev.flotilla.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.raft.Entry;
import dev.flotilla.raft.HardState;
import dev.flotilla.raft.LogStorage;
import dev.flotilla.raft.SnapshotMeta;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The obvious in-memory implementation of the {@link GroupWrite} rules: what the engine must agree with after any
 * sequence of appends, removals and restarts. Also checks a live or recovered engine against itself, bit for bit.
 */
public final class LogModel {
    private static final class Group {
        SnapshotMeta snapshot = SnapshotMeta.EMPTY;
        HardState hardState = HardState.EMPTY;
        final NavigableMap<Long, Entry> entries = new TreeMap<>();
    }

    private final Map<Long, Group> groups = new HashMap<>();

    public LogModel copy() {
        LogModel copy = new LogModel();
        groups.forEach((id, g) -> {
            Group c = new Group();
            c.snapshot = g.snapshot;
            c.hardState = g.hardState;
            c.entries.putAll(g.entries);
            copy.groups.put(id, c);
        });
        return copy;
    }

    public long firstIndex(long groupId) {
        Group g = groups.get(groupId);
        return g == null ? 1 : g.snapshot.index() + 1;
    }

    public long lastIndex(long groupId) {
        Group g = groups.get(groupId);
        return g == null ? 0 : g.entries.isEmpty() ? g.snapshot.index() : g.entries.lastKey();
    }

    public long snapshotIndex(long groupId) {
        Group g = groups.get(groupId);
        return g == null ? 0 : g.snapshot.index();
    }

    public long term(long groupId, long index) {
        Group g = groups.get(groupId);
        return index == g.snapshot.index()
                ? g.snapshot.term()
                : g.entries.get(index).term();
    }

    public boolean contains(long groupId) {
        return groups.containsKey(groupId);
    }

    public void apply(LogBatch batch) {
        for (GroupWrite w : batch.writes()) {
            Group g = groups.computeIfAbsent(w.groupId(), id -> new Group());
            w.snapshot().ifPresent(s -> {
                if (s.index() > g.snapshot.index()) {
                    Entry at = g.entries.get(s.index());
                    if (at != null && at.term() == s.term()) {
                        g.entries.headMap(s.index(), true).clear();
                    } else {
                        g.entries.clear();
                    }
                }
                g.snapshot = s;
            });
            w.truncateFrom().ifPresent(from -> g.entries.tailMap(from, true).clear());
            if (!w.entries().isEmpty()) {
                g.entries.tailMap(w.entries().get(0).index(), true).clear();
                w.entries().forEach(e -> g.entries.put(e.index(), e));
            }
            w.hardState().ifPresent(hs -> g.hardState = hs);
        }
    }

    /** Takes a group as a recovered engine holds it (to continue from it). */
    public void adopt(long groupId, LogStorage stored) {
        if (stored.lastIndex() == 0
                && stored.snapshot().index() == 0
                && stored.hardState().isEmpty()) {
            return;
        }
        Group g = new Group();
        g.snapshot = stored.snapshot();
        g.hardState = stored.hardState();
        stored.entries(stored.firstIndex(), stored.lastIndex() + 1, Long.MAX_VALUE)
                .forEach(e -> g.entries.put(e.index(), e));
        groups.put(groupId, g);
    }

    public void remove(long groupId) {
        groups.remove(groupId);
    }

    /** Asserts that {@code engine} holds exactly this model's groups and data. */
    public void assertMatches(LogEngine engine) {
        assertEquals(groups.keySet(), engine.groups(), "groups present");
        for (Map.Entry<Long, Group> e : groups.entrySet()) {
            long id = e.getKey();
            Group g = e.getValue();
            LogStorage s = engine.group(id);
            assertEquals(g.snapshot, s.snapshot(), "snapshot of group " + id);
            assertEquals(g.hardState, s.hardState(), "hard state of group " + id);
            assertEquals(firstIndex(id), s.firstIndex(), "first index of group " + id);
            assertEquals(lastIndex(id), s.lastIndex(), "last index of group " + id);
            List<Entry> stored = s.entries(s.firstIndex(), s.lastIndex() + 1, Long.MAX_VALUE);
            assertEquals(List.copyOf(g.entries.values()), stored, "entries of group " + id);
            assertEquals(g.snapshot.term(), s.term(g.snapshot.index()), "term at the snapshot of group " + id);
        }
    }
}
