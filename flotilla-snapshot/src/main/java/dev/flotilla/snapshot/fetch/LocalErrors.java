package dev.flotilla.snapshot.fetch;

import dev.flotilla.snapshot.SnapshotTransferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Turns a local I/O failure into the transfer's error, telling a full disk apart from the rest. */
final class LocalErrors {
    private LocalErrors() {}

    static SnapshotTransferException classify(IOException e, Path target, String doing) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("No space left on device") || message.contains("Disk quota exceeded")) {
            return new SnapshotTransferException(
                    SnapshotTransferException.Reason.DISK_FULL,
                    "no space left on the disk of " + target + " while " + doing + " (" + usable(target)
                            + "); what was received is kept and a new fetch resumes",
                    e);
        }
        return new SnapshotTransferException(
                SnapshotTransferException.Reason.LOCAL_IO, doing + " in " + target + " failed: " + e, e);
    }

    /** Fails at once when the disk cannot hold the bytes still to fetch, rather than after filling it. */
    static void requireSpace(Path target, long neededBytes) {
        long usable = usableBytes(target);
        if (usable >= 0 && usable < neededBytes) {
            throw new SnapshotTransferException(
                    SnapshotTransferException.Reason.DISK_FULL,
                    "the snapshot needs " + neededBytes + " more bytes in " + target + " but its disk has only "
                            + usable + " usable");
        }
    }

    private static String usable(Path target) {
        long usable = usableBytes(target);
        return usable < 0 ? "usable space unknown" : usable + " bytes usable";
    }

    private static long usableBytes(Path target) {
        try {
            return Files.getFileStore(target).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }
}
