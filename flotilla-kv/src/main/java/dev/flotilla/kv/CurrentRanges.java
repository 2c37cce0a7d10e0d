package dev.flotilla.kv;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.command.RangeDescriptor;
import dev.flotilla.kv.command.SplitOff;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Which range owns which keys, as this node knows it now: the configured ranges, the ranges it holds data of, and the
 * ranges its ranges name as split off them. Derived from the local range metas (no table of its own to keep in step),
 * and replaced whenever this node applies a split or restores a snapshot. A range's start never changes, so a node
 * that knows fewer splits than another routes some keys to a range that no longer owns them; that range refuses them
 * ({@code WRONG_RANGE}) and the server routes again. Thread-safe.
 */
public final class CurrentRanges {
    private final RangeMap configured;
    private final KvStore store;
    private final AtomicReference<RangeMap> current;

    public CurrentRanges(RangeMap configured, KvStore store) {
        this.configured = configured;
        this.store = store;
        this.current = new AtomicReference<>(configured);
        refresh();
    }

    public RangeMap map() {
        return current.get();
    }

    /** The ranges of the configured split keys (created at start, with the initial cluster as members). */
    public RangeMap configured() {
        return configured;
    }

    /** Rebuilds the map from the store's range metas. Any thread. */
    public RangeMap refresh() {
        synchronized (this) {
            Map<Long, ByteString> starts = configured.starts();
            for (Map.Entry<Long, RangeDescriptor> local : store.localRanges().entrySet()) {
                starts.put(local.getKey(), local.getValue().getStart());
                for (SplitOff off : local.getValue().getSplitOffList()) {
                    starts.put(off.getRangeId(), off.getStart());
                }
            }
            RangeMap map = RangeMap.fromStarts(starts);
            current.set(map);
            return map;
        }
    }
}
