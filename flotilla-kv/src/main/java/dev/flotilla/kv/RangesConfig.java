package dev.flotilla.kv;

import com.google.protobuf.ByteString;
import java.util.List;

/**
 * How the key space is cut into ranges, each its own Raft group. Every node of a cluster must have the same split
 * keys from the first start on: they decide which group owns a key, and the groups are created from them.
 *
 * @param splitKeys the keys where a new range starts, strictly ascending; empty for one range
 */
public record RangesConfig(List<String> splitKeys) {
    public RangesConfig {
        splitKeys = List.copyOf(splitKeys);
        map(splitKeys); // validates
    }

    public static RangesConfig defaults() {
        return new RangesConfig(List.of());
    }

    public RangeMap map() {
        return map(splitKeys);
    }

    private static RangeMap map(List<String> splitKeys) {
        return RangeMap.splitAt(splitKeys.stream().map(ByteString::copyFromUtf8).toList());
    }
}
