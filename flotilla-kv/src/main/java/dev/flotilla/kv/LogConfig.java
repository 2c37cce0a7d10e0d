package dev.flotilla.kv;

/**
 * The server's Raft log (one log engine for all ranges of the node).
 *
 * @param segmentSizeBytes size of one log segment file
 */
public record LogConfig(long segmentSizeBytes) {
    public LogConfig {
        if (segmentSizeBytes < (1 << 20)) {
            throw new IllegalArgumentException("segmentSizeBytes must be at least 1 MiB, was " + segmentSizeBytes);
        }
    }

    public static LogConfig defaults() {
        return new LogConfig(64L << 20);
    }
}
