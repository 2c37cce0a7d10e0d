package dev.flotilla.snapshot;

/**
 * Where a transfer stands.
 *
 * @param totalBytes bytes of the snapshot (0 until the manifest is known)
 * @param doneBytes bytes held: chunks verified and written, plus files reused
 * @param totalFiles files of the snapshot
 * @param verifiedFiles files held whole and verified against their checksum
 * @param fetchedBytes chunk bytes received over the network in this process, including chunks fetched again after a
 *     bad checksum; {@code fetchedBytes / totalBytes} is the transfer's overhead
 * @param reusedBytes bytes not fetched because a file or chunk with the same identity was already held
 */
public record TransferProgress(
        long totalBytes, long doneBytes, int totalFiles, int verifiedFiles, long fetchedBytes, long reusedBytes) {
    public static final TransferProgress NONE = new TransferProgress(0, 0, 0, 0, 0, 0);
}
