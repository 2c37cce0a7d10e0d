package dev.flotilla.snapshot;

/**
 * Told of a transfer's progress after each chunk written, each file verified, and once when the manifest is known.
 * Called on the transfer's threads, possibly concurrently: it must be thread-safe and quick (no I/O).
 */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = progress -> {};

    void onProgress(TransferProgress progress);
}
