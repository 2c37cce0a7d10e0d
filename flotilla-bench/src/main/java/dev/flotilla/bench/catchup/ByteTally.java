package dev.flotilla.bench.catchup;

/**
 * Bytes moved, totalled from repeated readings of a gauge that may start over. A counter (a process's bytes sent or
 * received) starts over at zero when its process restarts, so a reading below the previous one counts in full; a
 * directory's size shrinks when files are deleted, so a reading below the previous one adds nothing. Not thread-safe.
 */
final class ByteTally {
    private final boolean restartsAtZero;
    private long total;
    private long last;
    private boolean seen;

    private ByteTally(boolean restartsAtZero) {
        this.restartsAtZero = restartsAtZero;
    }

    /** For a process's counter: readings are what it moved since it started. */
    static ByteTally ofCounter() {
        return new ByteTally(true);
    }

    /** For a directory's size: growth counts, shrinking does not. */
    static ByteTally ofSize() {
        return new ByteTally(false);
    }

    /** Takes a reading; the first one counts in full. */
    void observe(long reading) {
        if (!seen || reading >= last) {
            total += reading - (seen ? last : 0);
        } else if (restartsAtZero) {
            total += reading;
        }
        seen = true;
        last = reading;
    }

    /** Whether there was any reading. */
    boolean seen() {
        return seen;
    }

    long total() {
        return total;
    }
}
