package dev.flotilla.bench.catchup;

import java.time.Duration;

/** The benchmark's overall time limit: every wait checks it, so a run that hangs ends with a clear error. */
record Deadline(long atNanos, Duration limit) {
    static Deadline after(Duration limit) {
        return new Deadline(System.nanoTime() + limit.toNanos(), limit);
    }

    boolean passed() {
        return System.nanoTime() >= atNanos;
    }

    /** Fails, naming what the run was doing, once the limit has passed. */
    void check(String doing) {
        if (passed()) {
            throw new TimedOutException(
                    "the benchmark's time limit (" + limit.toSeconds() + " s) passed while " + doing);
        }
    }

    /** The run took longer than its time limit. */
    static final class TimedOutException extends RuntimeException {
        TimedOutException(String message) {
            super(message);
        }
    }
}
