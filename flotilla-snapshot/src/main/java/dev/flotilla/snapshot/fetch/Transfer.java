package dev.flotilla.snapshot.fetch;

import dev.flotilla.snapshot.FetchRequest;
import dev.flotilla.snapshot.SnapshotFetcherConfig;
import dev.flotilla.snapshot.SnapshotLocation;
import dev.flotilla.snapshot.SnapshotManifest;
import dev.flotilla.snapshot.SnapshotTransfer;
import dev.flotilla.snapshot.SnapshotTransferException;
import dev.flotilla.snapshot.TransferProgress;
import dev.flotilla.snapshot.flow.Bandwidth;
import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One fetch: tries its sources in order, for a few rounds, each through a {@link SourceAttempt} that keeps what earlier
 * ones (or an earlier process) durably received. Runs on a coordinator thread of the fetcher; its counters are read
 * from any thread.
 */
final class Transfer implements SnapshotTransfer {
    private static final Logger log = LoggerFactory.getLogger(Transfer.class);

    private final FetchRequest request;
    private final SnapshotFetcherConfig config;
    private final Bandwidth nodeBandwidth;
    private final Bandwidth bandwidth;
    private final Watchdog watchdog;
    private final PlantedBug plantedBug;
    private final UUID transferId = UUID.randomUUID();
    private final CompletableFuture<SnapshotManifest> result = new CompletableFuture<>();
    private final AtomicLong doneBytes = new AtomicLong();
    private final AtomicLong fetchedBytes = new AtomicLong();
    private volatile long totalBytes;
    private volatile long reusedBytes = -1;
    private volatile int totalFiles;
    private volatile int verifiedFiles;
    private volatile boolean cancelled;
    private volatile Runnable onCancel = () -> {};

    Transfer(
            FetchRequest request,
            SnapshotFetcherConfig config,
            Bandwidth nodeBandwidth,
            Watchdog watchdog,
            PlantedBug plantedBug) {
        this.request = request;
        this.config = config;
        this.nodeBandwidth = nodeBandwidth;
        this.bandwidth = new Bandwidth(request.bytesPerSecond());
        this.watchdog = watchdog;
        this.plantedBug = plantedBug;
    }

    void run() {
        try {
            result.complete(fetchFromSources());
        } catch (SnapshotTransferException e) {
            result.completeExceptionally(e);
        } catch (RuntimeException e) {
            result.completeExceptionally(
                    new SnapshotTransferException(SnapshotTransferException.Reason.LOCAL_IO, e.toString(), e));
        }
    }

    private SnapshotManifest fetchFromSources() {
        SourceFailure last = null;
        for (int round = 0; round < config.sourceRounds(); round++) {
            for (SnapshotLocation location : request.sources()) {
                throwIfCancelled();
                try {
                    return SourceAttempt.run(this, location);
                } catch (SourceFailure e) {
                    log.warn("snapshot source {} failed, trying the next: {}", location, e.getMessage());
                    last = e;
                }
            }
            pause();
        }
        throw new SnapshotTransferException(
                last.reason(),
                "no source could serve the snapshot after " + config.sourceRounds() + " rounds; last: "
                        + last.getMessage(),
                last);
    }

    private void pause() {
        try {
            TimeUnit.NANOSECONDS.sleep(config.roundBackoff().toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
        }
    }

    SourceConnection open(SnapshotLocation location) throws SourceFailure {
        return SourceConnection.open(location, transferId, config.connectTimeout(), config.responseTimeout(), watchdog);
    }

    ReceivedFiles prepareTarget(SnapshotManifest manifest) throws IOException {
        ReceivedFiles files = TargetDirectory.prepare(
                request.target(), manifest, request.reuseDirectories(), config.syncEveryBytes(), plantedBug);
        long held = manifest.totalBytes() - files.missingBytes();
        totalBytes = manifest.totalBytes();
        totalFiles = manifest.files().size();
        verifiedFiles = files.verifiedCount();
        doneBytes.set(held);
        if (reusedBytes < 0) {
            reusedBytes = held;
        }
        report();
        return files;
    }

    long reserveBandwidth(int bytes) {
        return Math.max(nodeBandwidth.reserve(bytes), bandwidth.reserve(bytes));
    }

    void fetched(int bytes) {
        fetchedBytes.addAndGet(bytes);
    }

    void written(int bytes) {
        doneBytes.addAndGet(bytes);
        report();
    }

    /** A file failed its whole-file checksum: its bytes are no longer held. */
    void unwritten(long bytes) {
        doneBytes.addAndGet(-bytes);
    }

    void fileVerified(int count) {
        verifiedFiles = count;
        report();
    }

    void onCancel(Runnable action) {
        onCancel = action;
        if (cancelled) {
            action.run();
        }
    }

    void throwIfCancelled() {
        if (cancelled) {
            throw new SnapshotTransferException(
                    SnapshotTransferException.Reason.CANCELLED, "the transfer into " + target() + " was cancelled");
        }
    }

    boolean cancelled() {
        return cancelled;
    }

    SnapshotFetcherConfig config() {
        return config;
    }

    Path target() {
        return request.target();
    }

    PlantedBug plantedBug() {
        return plantedBug;
    }

    private void report() {
        request.listener().onProgress(progress());
    }

    @Override
    public CompletableFuture<SnapshotManifest> result() {
        return result;
    }

    @Override
    public TransferProgress progress() {
        return new TransferProgress(
                totalBytes, doneBytes.get(), totalFiles, verifiedFiles, fetchedBytes.get(), Math.max(0, reusedBytes));
    }

    @Override
    public void setBytesPerSecond(long bytesPerSecond) {
        bandwidth.set(bytesPerSecond);
    }

    @Override
    public void cancel() {
        cancelled = true;
        onCancel.run();
    }
}
