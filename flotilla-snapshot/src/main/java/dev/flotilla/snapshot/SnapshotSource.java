package dev.flotilla.snapshot;

import java.util.Optional;

/**
 * Where a {@link SnapshotServer} finds snapshots: the integration point for whatever creates them (a RocksDB
 * checkpoint, SST files written for a range, ...). {@link DirectorySnapshotSource} serves directories of files.
 *
 * <p>Threading: {@link #pin} is called on the sender's I/O threads, concurrently; it must be thread-safe and quick (no
 * checksum computation: manifests are computed when a snapshot is published).
 */
public interface SnapshotSource {
    /**
     * Pins snapshot {@code snapshotId} so that its files stay until the pin is closed.
     *
     * @return the pin, or empty if this source does not hold the snapshot (any more)
     */
    Optional<PinnedSnapshot> pin(String snapshotId);
}
