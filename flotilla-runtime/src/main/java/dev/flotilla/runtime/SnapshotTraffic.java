package dev.flotilla.runtime;

/**
 * Snapshot bytes a node moved since it started, over the file-snapshot path.
 *
 * @param sentBytes chunk bytes its snapshot server sent, re-sends included
 * @param receivedBytes chunk bytes its fetches received over the network (files reused locally do not count)
 */
public record SnapshotTraffic(long sentBytes, long receivedBytes) {
    public static final SnapshotTraffic NONE = new SnapshotTraffic(0, 0);
}
