package dev.flotilla.kv.mvcc;

import java.util.function.LongPredicate;

/**
 * Lease ids for grants that leave the choice to the server. The id is a function of the grant's Raft log index, so
 * every replica picks the same one, and it is scrambled, so ids look unrelated (as etcd's do) and clients do not come
 * to rely on an order.
 */
final class LeaseIds {
    private LeaseIds() {}

    /** A positive id derived from {@code logIndex} that {@code taken} does not hold. */
    static long fromLogIndex(long logIndex, LongPredicate taken) {
        long candidate = logIndex;
        while (true) {
            candidate = scramble(candidate);
            long id = candidate & Long.MAX_VALUE;
            if (id != 0 && !taken.test(id)) {
                return id;
            }
        }
    }

    /** The SplitMix64 finalizer: a bijection on longs that spreads neighbouring inputs far apart. */
    private static long scramble(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
