package dev.flotilla.log;

/**
 * A point-in-time view of the engine's footprint, for monitoring and benchmarks.
 *
 * @param groups groups present
 * @param indexedEntries live entries across all groups
 * @param indexBytes heap bytes held by the per-group indexes (entry locations, term and segment runs)
 * @param cacheBytes bytes of recent entries held by the cache
 * @param liveBytes bytes on disk of live entries (entry header plus data)
 * @param diskBytes size of all segment files, including preallocated and spare ones
 * @param segments live segment files
 * @param flushes fdatasyncs of group-commit writes since the engine was opened
 * @param flushNanos time spent in those fdatasyncs, in nanoseconds
 */
public record LogStats(
        int groups,
        long indexedEntries,
        long indexBytes,
        long cacheBytes,
        long liveBytes,
        long diskBytes,
        int segments,
        long flushes,
        long flushNanos) {
    /** Heap bytes of index per live entry, or 0 when there is none. */
    public double indexBytesPerEntry() {
        return indexedEntries == 0 ? 0 : (double) indexBytes / indexedEntries;
    }
}
