package dev.flotilla.snapshot.flow;

import java.util.concurrent.TimeUnit;

/**
 * A bandwidth limit that can change at run time. Each caller reserves the bytes it is about to move and waits the
 * returned time before moving them; reservations queue up behind each other, so the long-run rate never exceeds the
 * limit, while up to {@link #BURST} of unused time is credited to an idle limiter. Thread-safe.
 */
public final class Bandwidth {
    /** The value of {@link #bytesPerSecond} that means no limit. */
    public static final long UNLIMITED = 0;
    /** Idle time credited to the next reservations, so a short pause does not lose bandwidth. */
    public static final long BURST = TimeUnit.MILLISECONDS.toNanos(50);

    private long bytesPerSecond;
    private long nextFreeNanos;

    public Bandwidth(long bytesPerSecond) {
        set(bytesPerSecond);
    }

    /** Changes the limit; {@link #UNLIMITED} removes it. Reservations already made keep their times. */
    public synchronized void set(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException(
                    "bytesPerSecond must be positive or UNLIMITED (0), was " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
    }

    public synchronized long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** Reserves {@code bytes} and returns how long, in nanoseconds, the caller must wait before moving them. */
    public synchronized long reserve(long bytes) {
        if (bytesPerSecond == UNLIMITED) {
            return 0;
        }
        long now = System.nanoTime();
        long start = Math.max(nextFreeNanos, now - BURST);
        nextFreeNanos = start + (long) (bytes * 1e9 / bytesPerSecond);
        return Math.max(0, start - now);
    }
}
