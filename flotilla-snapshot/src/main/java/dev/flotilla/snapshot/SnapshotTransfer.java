package dev.flotilla.snapshot;

import java.util.concurrent.CompletableFuture;

/** A running fetch. Thread-safe. */
public interface SnapshotTransfer {
    /**
     * Completes with the verified manifest once every file is in the target directory, durable (data, names and the
     * manifest file {@value DirectorySnapshotSource#MANIFEST_FILE}) and checked against its whole-file checksum. Fails
     * with a {@link SnapshotTransferException}; the target then keeps what was durably received, for a later fetch.
     */
    CompletableFuture<SnapshotManifest> result();

    TransferProgress progress();

    /** Changes this transfer's bandwidth; {@code 0} removes the limit. Applies to the next chunk requests. */
    void setBytesPerSecond(long bytesPerSecond);

    /** Stops the transfer: what is written is made durable and recorded, and the result fails with CANCELLED. */
    void cancel();
}
