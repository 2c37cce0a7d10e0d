package dev.flotilla.kv;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.command.Rejection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which range (Raft group) owns which keys. The key space is cut at split keys into contiguous spans: range 1 owns
 * every key below the first split key, range 2 the keys from it up to the second, and so on; the last range owns every
 * key from the last split key on. Every node of a cluster must use the same split keys (docs/kv-server.md, "Ranges").
 * Immutable and thread-safe.
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
        List<Range> ranges = new ArrayList<>();
        ByteString start = ByteString.EMPTY;
        for (ByteString split : splitKeys) {
            if (split.isEmpty() || KEY_ORDER.compare(split, start) <= 0) {
                throw new IllegalArgumentException("splitKeys must be non-empty and strictly ascending, got "
                        + splitKeys.stream().map(ByteString::toStringUtf8).toList());
            }
            ranges.add(new Range(ranges.size() + FIRST_RANGE, new KeySpan(start, Optional.of(split))));
            start = split;
        }
        ranges.add(new Range(ranges.size() + FIRST_RANGE, new KeySpan(start, Optional.empty())));
        return new RangeMap(ranges);
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
    public long ownerOfKey(ByteString key) {
        for (int i = ranges.size() - 1; i > 0; i--) {
            if (KEY_ORDER.compare(key, ranges.get(i).span().start()) >= 0) {
                return ranges.get(i).id();
            }
        }
        return FIRST_RANGE;
    }

    public List<Long> rangeIds() {
        return ranges.stream().map(Range::id).toList();
    }
}
