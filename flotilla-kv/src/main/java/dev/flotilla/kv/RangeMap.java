package dev.flotilla.kv;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.command.Rejection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Which range (Raft group) owns which keys. Each range starts at a key and owns every key up to the next range's
 * start; the range that starts at the empty key owns the smallest keys, and the last range every key from its start
 * on. Ranges come from the configured split keys (range 1 owns every key below the first split key, range 2 the keys
 * from it up to the second, and so on) and from splits at run time, which add a range at a key and leave the ranges'
 * other starts as they were (docs/kv-server.md, "Ranges"). Immutable and thread-safe.
 */
public final class RangeMap {
    /** The range that owns the smallest keys, and every key when there is one range. */
    public static final long FIRST_RANGE = 1;

    private static final Comparator<ByteString> KEY_ORDER = ByteString.unsignedLexicographicalComparator();

    /** A range and the keys it owns. */
    public record Range(long id, KeySpan span) {}

    private final List<Range> ranges;

    private RangeMap(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    public static RangeMap singleRange() {
        return splitAt(List.of());
    }

    /**
     * The ranges cut at {@code splitKeys}.
     *
     * @throws IllegalArgumentException if a split key is empty or the keys are not strictly ascending
     */
    public static RangeMap splitAt(List<ByteString> splitKeys) {
        Map<Long, ByteString> starts = new TreeMap<>();
        starts.put(FIRST_RANGE, ByteString.EMPTY);
        ByteString previous = ByteString.EMPTY;
        for (ByteString split : splitKeys) {
            if (split.isEmpty() || KEY_ORDER.compare(split, previous) <= 0) {
                throw new IllegalArgumentException("splitKeys must be non-empty and strictly ascending, got "
                        + splitKeys.stream().map(ByteString::toStringUtf8).toList());
            }
            starts.put(starts.size() + FIRST_RANGE, split);
            previous = split;
        }
        return fromStarts(starts);
    }

    /**
     * The ranges that start at the given keys, by range id.
     *
     * @throws IllegalArgumentException if no range starts at the empty key or two start at the same key
     */
    public static RangeMap fromStarts(Map<Long, ByteString> startsById) {
        TreeMap<ByteString, Long> byStart = new TreeMap<>(KEY_ORDER);
        startsById.forEach((id, start) -> {
            Long other = byStart.put(start, id);
            if (other != null) {
                throw new IllegalArgumentException(
                        "ranges " + other + " and " + id + " both start at '" + start.toStringUtf8() + "'");
            }
        });
        if (byStart.isEmpty() || !byStart.firstKey().isEmpty()) {
            throw new IllegalArgumentException("no range starts at the empty key: " + startsById);
        }
        List<Range> ranges = new ArrayList<>();
        byStart.forEach((start, id) ->
                ranges.add(new Range(id, new KeySpan(start, Optional.ofNullable(byStart.higherKey(start))))));
        return new RangeMap(ranges);
    }

    /** The map with range {@code newId} starting at {@code key} (a split of the range that owned it). */
    public RangeMap withSplit(long newId, ByteString key) {
        Map<Long, ByteString> starts = starts();
        starts.put(newId, key);
        return fromStarts(starts);
    }

    /** Each range's start key, by range id (a new, modifiable map). */
    public Map<Long, ByteString> starts() {
        Map<Long, ByteString> starts = new TreeMap<>();
        ranges.forEach(r -> starts.put(r.id(), r.span().start()));
        return starts;
    }

    /** Every range, in key order. */
    public List<Range> ranges() {
        return ranges;
    }

    public Optional<Range> range(long id) {
        return ranges.stream().filter(r -> r.id() == id).findFirst();
    }

    /** The ranges that hold at least one key of {@code span}, in key order. */
    public List<Range> overlapping(KeySpan span) {
        return ranges.stream().filter(r -> r.span().overlaps(span)).toList();
    }

    /**
     * The one range that holds every key of {@code spans} (the first range when there are none): a write, a Txn and
     * a DeleteRange stay within one range.
     *
     * @throws RejectedRequestException ({@code CROSS_RANGE}) naming the ranges if the keys lie in more than one
     */
    public long owner(List<KeySpan> spans, String request) {
        List<Long> owners = spans.stream()
                .flatMap(span -> overlapping(span).stream())
                .map(Range::id)
                .distinct()
                .sorted()
                .toList();
        if (owners.isEmpty()) {
            return FIRST_RANGE;
        }
        if (owners.size() != 1) {
            throw new RejectedRequestException(
                    Rejection.Kind.CROSS_RANGE,
                    "flotilla: " + request + " spans ranges "
                            + owners.stream().map(String::valueOf).collect(Collectors.joining(", "))
                            + "; it must stay within one range");
        }
        return owners.get(0);
    }

    /** The range that holds {@code key}. */
    public Range rangeOfKey(ByteString key) {
        for (int i = ranges.size() - 1; i > 0; i--) {
            if (KEY_ORDER.compare(key, ranges.get(i).span().start()) >= 0) {
                return ranges.get(i);
            }
        }
        return ranges.get(0);
    }

    /** The id of the range that holds {@code key}. */
    public long ownerOfKey(ByteString key) {
        return rangeOfKey(key).id();
    }

    public List<Long> rangeIds() {
        return ranges.stream().map(Range::id).toList();
    }

    @Override
    public String toString() {
        return ranges.toString();
    }
}
