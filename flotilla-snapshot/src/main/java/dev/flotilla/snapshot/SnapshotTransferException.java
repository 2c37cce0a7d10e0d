package dev.flotilla.snapshot;

/**
 * Why a transfer failed. What was durably received stays in the target directory with its progress file, so a new
 * fetch into the same directory resumes, whatever the reason.
 */
public final class SnapshotTransferException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The kinds of failure; the message says which file, source or limit. */
    public enum Reason {
        /** The disk of the target directory is full (ENOSPC). Free space and fetch again to resume. */
        DISK_FULL,
        /** Reading or writing a local file failed for another reason. */
        LOCAL_IO,
        /** No source could serve the snapshot: each was unreachable, timed out, busy, lacked it, or sent bad data. */
        NO_SOURCE,
        /** A manifest from a source was invalid (path traversal, duplicates, sizes above the limits). */
        INVALID_MANIFEST,
        /** {@link SnapshotTransfer#cancel} was called, or the fetcher was closed. */
        CANCELLED
    }

    private final Reason reason;

    public SnapshotTransferException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public SnapshotTransferException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
