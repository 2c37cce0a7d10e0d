package dev.flotilla.kv;

import com.google.protobuf.ByteString;
import java.util.Optional;

/**
 * A span of user keys as etcd requests name it: from {@code start} (inclusive) to {@code end} (exclusive), or to the
 * end of the key space when {@code end} is empty. Keys compare as unsigned bytes.
 */
public record KeySpan(ByteString start, Optional<ByteString> end) {
    private static final ByteString ZERO = ByteString.copyFrom(new byte[] {0});

    /**
     * The span of an etcd request: an empty {@code rangeEnd} names the single key {@code key}; {@code "\0"} means
     * every key from {@code key} on; anything else is the exclusive end.
     */
    public static KeySpan of(ByteString key, ByteString rangeEnd) {
        if (rangeEnd.isEmpty()) {
            return new KeySpan(key, Optional.of(key.concat(ZERO)));
        }
        if (rangeEnd.equals(ZERO)) {
            return new KeySpan(key, Optional.empty());
        }
        return new KeySpan(key, Optional.of(rangeEnd));
    }

    public boolean contains(ByteString key) {
        return ByteString.unsignedLexicographicalComparator().compare(key, start) >= 0
                && end.map(e -> ByteString.unsignedLexicographicalComparator().compare(key, e) < 0)
                        .orElse(true);
    }

    /** Whether the two spans share at least one key. */
    public boolean overlaps(KeySpan other) {
        return startsBefore(other.end, start) && startsBefore(end, other.start);
    }

    private static boolean startsBefore(Optional<ByteString> end, ByteString start) {
        return end.map(e -> ByteString.unsignedLexicographicalComparator().compare(start, e) < 0)
                .orElse(true);
    }
}
