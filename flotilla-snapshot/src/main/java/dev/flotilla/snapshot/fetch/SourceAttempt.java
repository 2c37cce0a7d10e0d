package dev.flotilla.snapshot.fetch;

import dev.flotilla.snapshot.SnapshotFile;
import dev.flotilla.snapshot.SnapshotLocation;
import dev.flotilla.snapshot.SnapshotManifest;
import dev.flotilla.snapshot.SnapshotTransferException;
import dev.flotilla.snapshot.wire.Request;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fetching from one source: open the transfer there, ready the target for its manifest (keeping what is held), run the
 * streams, verify, finish. A failure of the source is a {@link SourceFailure} (the transfer moves on); a local failure
 * is a {@link SnapshotTransferException} (the transfer stops). Either way what was written is synced and recorded.
 */
final class SourceAttempt {
    /** Whole-file checksum failures tolerated per file from one source, after all its chunks had verified. */
    private static final int FILE_REFETCHES = 1;

    private final Transfer transfer;
    private final SourceConnection first;
    private final ReceivedFiles files;
    private final ChunkQueue queue;
    private final List<SourceConnection> connections = new CopyOnWriteArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicInteger badChunks = new AtomicInteger();
    private final Map<Integer, Integer> fileRefetches = new ConcurrentHashMap<>();

    private SourceAttempt(Transfer transfer, SourceConnection first, ReceivedFiles files) {
        this.transfer = transfer;
        this.first = first;
        this.files = files;
        this.queue = new ChunkQueue(files.missingChunks());
    }

    static SnapshotManifest run(Transfer transfer, SnapshotLocation location) throws SourceFailure {
        SourceConnection first = transfer.open(location);
        List<SourceConnection> opened = List.of(first);
        try {
            SnapshotManifest manifest = first.manifest();
            try (ReceivedFiles files = transfer.prepareTarget(manifest)) {
                SourceAttempt attempt = new SourceAttempt(transfer, first, files);
                opened = attempt.connections;
                attempt.fetchMissing();
                files.finish();
                attempt.releaseSender();
                return manifest;
            } catch (IOException e) {
                throw LocalErrors.classify(e, transfer.target(), "receiving the snapshot");
            }
        } finally {
            first.close();
            opened.forEach(SourceConnection::close);
        }
    }

    /** Tells the sender it may unpin the snapshot now; if this fails, its lease expires instead. */
    private void releaseSender() {
        for (SourceConnection connection : connections) {
            if (connection.isOpen()) {
                try {
                    connection.send(new Request.Finish());
                    return;
                } catch (IOException e) {
                    // Try the next connection.
                }
            }
        }
    }

    private void fetchMissing() throws SourceFailure, IOException {
        connections.add(first);
        for (int file : files.unverifiedCompleteFiles()) {
            verifyFile(file);
        }
        if (files.allVerified()) {
            return;
        }
        LocalErrors.requireSpace(transfer.target(), files.missingBytes());
        transfer.onCancel(this::abort);
        try {
            List<SourceConnection> streams = new ArrayList<>(List.of(first));
            for (int i = 1; i < transfer.config().streams(); i++) {
                streams.add(reopen());
            }
            List<Thread> threads = new ArrayList<>();
            for (SourceConnection connection : streams) {
                StreamWorker worker = new StreamWorker(this, connection);
                Thread thread = new Thread(worker::run, "flotilla-snapshot-stream-" + threads.size());
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort();
            fail(new SnapshotTransferException(SnapshotTransferException.Reason.CANCELLED, "interrupted"));
        } finally {
            transfer.onCancel(() -> {});
            syncWhatWasWritten();
        }
        rethrowFailure();
        transfer.throwIfCancelled();
        if (!files.allVerified()) {
            throw new SourceFailure("the streams from " + first.location() + " ended with files missing", null);
        }
    }

    /** Records what the streams wrote, so that the next attempt or process keeps it; a first failure takes priority. */
    private void syncWhatWasWritten() {
        try {
            files.sync();
        } catch (IOException e) {
            fail(LocalErrors.classify(e, transfer.target(), "syncing the received chunks"));
        }
    }

    private void rethrowFailure() throws SourceFailure {
        Throwable e = failure.get();
        if (e instanceof SourceFailure sourceFailure) {
            throw sourceFailure;
        } else if (e instanceof SnapshotTransferException transferException) {
            throw transferException;
        } else if (e != null) {
            throw new SnapshotTransferException(
                    SnapshotTransferException.Reason.LOCAL_IO, "a receiving stream failed: " + e, e);
        }
    }

    /** Opens one more connection to the same source, which must offer the same manifest. */
    SourceConnection reopen() throws SourceFailure {
        SourceConnection connection = transfer.open(first.location());
        if (!connection.sameManifest(first)) {
            connection.close();
            throw new SourceFailure(first.location() + " now offers another manifest", null);
        }
        connections.add(connection);
        if (aborted()) {
            connection.close();
        }
        return connection;
    }

    /** Checks a file whose chunks are all written; a mismatch makes it fetched again, once per source. */
    void verifyFile(int file) throws IOException, SourceFailure {
        try {
            if (files.verify(file)) {
                transfer.fileVerified(files.verifiedCount());
                return;
            }
        } catch (IOException e) {
            throw LocalErrors.classify(
                    e,
                    transfer.target(),
                    "verifying " + files.manifest().files().get(file).name());
        }
        SnapshotFile spec = files.manifest().files().get(file);
        transfer.unwritten(spec.sizeBytes());
        if (fileRefetches.merge(file, 1, Integer::sum) > FILE_REFETCHES) {
            throw new SourceFailure(
                    first.location() + " sends " + spec.name() + " with chunks that do not add up to its checksum",
                    null);
        }
        List<Long> keys = new ArrayList<>();
        for (int c = 0; c < spec.chunkCount(); c++) {
            keys.add(ChunkQueue.key(file, c));
        }
        queue.add(keys);
    }

    void badChunk(long key) throws SourceFailure {
        if (badChunks.incrementAndGet() > transfer.config().maxBadChunks()) {
            throw new SourceFailure(
                    first.location() + " sent more than " + transfer.config().maxBadChunks()
                            + " chunks with a bad checksum",
                    null);
        }
    }

    void fail(Throwable e) {
        failure.compareAndSet(null, e);
        abort();
    }

    boolean aborted() {
        return failure.get() != null || transfer.cancelled();
    }

    private void abort() {
        queue.abort();
        connections.forEach(SourceConnection::close);
    }

    Transfer transfer() {
        return transfer;
    }

    ReceivedFiles files() {
        return files;
    }

    ChunkQueue queue() {
        return queue;
    }

    PlantedBug plantedBug() {
        return transfer.plantedBug();
    }
}
