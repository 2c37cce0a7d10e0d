package dev.flotilla.snapshot.fetch;

import dev.flotilla.snapshot.SnapshotTransferException;

/** One source cannot serve the transfer any more (unreachable, silent, busy, lacks the snapshot, sends bad data). */
final class SourceFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final SnapshotTransferException.Reason reason;

    SourceFailure(String message, Throwable cause) {
        this(SnapshotTransferException.Reason.NO_SOURCE, message, cause);
    }

    SourceFailure(SnapshotTransferException.Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** What to report if no source succeeds after this one failed. */
    SnapshotTransferException.Reason reason() {
        return reason;
    }
}
