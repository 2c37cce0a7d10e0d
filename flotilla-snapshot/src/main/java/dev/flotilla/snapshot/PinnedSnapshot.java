package dev.flotilla.snapshot;

import java.nio.file.Path;

/**
 * A snapshot that a {@link SnapshotSource} promises to keep: until {@link #close}, every file of the manifest exists at
 * {@link #file} with exactly the manifest's bytes. The sender holds one pin per transfer and closes it when the receiver
 * finishes, or when the transfer's lease expires (the receiver went silent).
 */
public interface PinnedSnapshot extends AutoCloseable {
    SnapshotManifest manifest();

    /** Where file {@code index} of the manifest is. */
    Path file(int index);

    /** Releases the pin; idempotent. Called on a sender I/O thread: must not block. */
    @Override
    void close();
}
