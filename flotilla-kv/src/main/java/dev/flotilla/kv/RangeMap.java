package dev.flotilla.kv;

import java.util.List;

/**
 * Which range (Raft group) owns which keys. Every request names a key span, and the server sends it to the range
 * that owns the span. Today one range owns the whole key space; splitting it into contiguous spans, each its own
 * group, is the next step (docs/etcd-compatibility.md, "Ranges"), and requests then find their range here.
 */
public final class RangeMap {
    /** The range that owns every key until ranges can split. */
    public static final long FIRST_RANGE = 1;

    private final long onlyRange;

    private RangeMap(long onlyRange) {
        this.onlyRange = onlyRange;
    }

    public static RangeMap singleRange() {
        return new RangeMap(FIRST_RANGE);
    }

    /** The range that holds every key of {@code span}. */
    public long owner(KeySpan span) {
        return onlyRange;
    }

    public List<Long> rangeIds() {
        return List.of(onlyRange);
    }
}
