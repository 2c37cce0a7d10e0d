package dev.flotilla.snapshot;

import dev.flotilla.snapshot.fetch.PullingFetcher;

/**
 * The receiving side of a node: pulls snapshots from {@link SnapshotServer}s into local directories. At most {@link
 * SnapshotFetcherConfig#maxConcurrentReceives} transfers run at once; the others wait in order. Thread-safe.
 *
 * <p>Durability: a chunk counts as received only once its data is synced and then recorded in the target's progress
 * file; a transfer resumes from there after a crash of either side, or from another source.
 */
public interface SnapshotFetcher extends AutoCloseable {
    static SnapshotFetcher create(SnapshotFetcherConfig config) {
        return new PullingFetcher(config);
    }

    /** Starts (or queues) a transfer. Never throws for a transfer failure: the result fails instead. */
    SnapshotTransfer fetch(FetchRequest request);

    /** Changes the bandwidth of all receives together; {@code 0} removes the limit. */
    void setNodeBytesPerSecond(long bytesPerSecond);

    /** Cancels every transfer and stops the threads. */
    @Override
    void close();
}
