package dev.flotilla.transport.netty;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential reconnect back-off: the n-th consecutive failure waits between half and all of {@code min * 2^(n-1)},
 * capped at {@code max}. The random half keeps nodes that lost a peer at the same moment from redialing in lockstep.
 * Not thread-safe: used on one peer's event loop.
 */
final class Backoff {
    private final long minNanos;
    private final long maxNanos;
    private final RandomGenerator random;
    private long ceilingNanos;

    Backoff(Duration min, Duration max, RandomGenerator random) {
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
        this.random = random;
        this.ceilingNanos = minNanos;
    }

    /** The wait before the next attempt; each call doubles the following one up to {@code max}. */
    Duration next() {
        long ceiling = ceilingNanos;
        ceilingNanos = ceiling > maxNanos / 2 ? maxNanos : ceiling * 2;
        long half = ceiling / 2;
        return Duration.ofNanos(half + random.nextLong(ceiling - half + 1));
    }

    /** After a successful connection: the next failure waits {@code min} again. */
    void reset() {
        ceilingNanos = minNanos;
    }
}
