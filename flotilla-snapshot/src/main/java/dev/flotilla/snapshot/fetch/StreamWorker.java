package dev.flotilla.snapshot.fetch;

import dev.flotilla.snapshot.SnapshotFetcherConfig;
import dev.flotilla.snapshot.SnapshotManifest;
import dev.flotilla.snapshot.wire.FileChecksums;
import dev.flotilla.snapshot.wire.ProtocolException;
import dev.flotilla.snapshot.wire.Request;
import dev.flotilla.snapshot.wire.Response;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One stream of an attempt, on its own thread: keeps up to {@code requestsInFlightPerStream} chunk requests
 * outstanding on its connection, verifies each chunk against its checksum before writing it, and gives back whatever
 * it cannot finish. A broken connection is reopened a few times before the source is given up.
 */
final class StreamWorker {
    private final SourceAttempt attempt;
    private final SnapshotFetcherConfig config;
    private final SnapshotManifest manifest;
    private final ByteBuffer buffer;
    private final Set<Long> outstanding = new LinkedHashSet<>();
    private SourceConnection connection;
    private int consecutiveFailures;

    StreamWorker(SourceAttempt attempt, SourceConnection connection) {
        this.attempt = attempt;
        this.config = attempt.transfer().config();
        this.manifest = attempt.files().manifest();
        this.connection = connection;
        this.buffer = ByteBuffer.allocateDirect(manifest.chunkBytes());
    }

    /**
     * Runs until no chunk is left or the attempt fails; reports a failure to the attempt rather than throwing. The
     * attempt closes the connection.
     */
    void run() {
        try {
            while (true) {
                try {
                    serve();
                    return;
                } catch (IOException e) {
                    if (attempt.aborted()) {
                        return;
                    }
                    giveBackOutstanding();
                    reconnect(e);
                }
            }
        } catch (Exception e) {
            giveBackOutstanding();
            attempt.fail(e);
        }
    }

    private void serve() throws Exception {
        while (true) {
            if (!requestMore()) {
                return;
            }
            connection.expectWithin(config.responseTimeout());
            Response response = connection.read(buffer, this::expectedLength);
            if (response instanceof Response.Chunk chunk) {
                received(chunk);
                consecutiveFailures = 0;
            } else if (response instanceof Response.Error error) {
                throw new SourceFailure(
                        connection.location() + " failed the transfer: " + error.code() + " " + error.message(), null);
            } else {
                throw new ProtocolException("a second manifest on one connection");
            }
        }
    }

    /** Fills the window; returns false when nothing is outstanding and nothing is left to take. */
    private boolean requestMore() throws IOException, InterruptedException {
        while (outstanding.size() < config.requestsInFlightPerStream()) {
            OptionalLong next = outstanding.isEmpty()
                    ? attempt.queue().take()
                    : attempt.queue().tryTake();
            if (next.isEmpty()) {
                break;
            }
            long key = next.getAsLong();
            outstanding.add(key);
            throttle(manifest.chunkLength(ChunkQueue.file(key), ChunkQueue.chunk(key)));
            connection.send(new Request.Chunk(ChunkQueue.file(key), ChunkQueue.chunk(key)));
        }
        return !outstanding.isEmpty();
    }

    private void received(Response.Chunk chunk) throws Exception {
        long key = ChunkQueue.key(chunk.file(), chunk.chunk());
        if (!outstanding.remove(key)) {
            throw new ProtocolException("chunk " + chunk.file() + "/" + chunk.chunk() + " was not requested");
        }
        attempt.transfer().fetched(chunk.length());
        int expected = manifest.files().get(chunk.file()).chunkCrc32c(chunk.chunk());
        boolean intact = attempt.plantedBug() == PlantedBug.SKIP_CHUNK_CHECKSUM
                || (chunk.crc32c() == expected && FileChecksums.crc32c(buffer) == expected);
        if (!intact) {
            attempt.badChunk(key);
            attempt.queue().retry(key);
            return;
        }
        boolean completesFile;
        try {
            completesFile = attempt.files().write(chunk.file(), chunk.chunk(), buffer);
        } catch (IOException e) {
            throw LocalErrors.classify(
                    e,
                    attempt.transfer().target(),
                    "writing " + manifest.files().get(chunk.file()).name());
        }
        attempt.transfer().written(chunk.length());
        if (completesFile) {
            attempt.verifyFile(chunk.file());
        }
        attempt.queue().done(key);
    }

    private int expectedLength(int file, int chunk) {
        if (file < 0 || file >= manifest.files().size() || chunk < 0) {
            return -1;
        }
        return chunk < manifest.files().get(file).chunkCount() ? manifest.chunkLength(file, chunk) : -1;
    }

    /** Waits for bandwidth, pinging the sender meanwhile so that its lease on the snapshot does not expire. */
    private void throttle(int bytes) throws IOException, InterruptedException {
        long waitNanos = attempt.transfer().reserveBandwidth(bytes);
        if (waitNanos <= 0) {
            return;
        }
        connection.idle();
        long until = System.nanoTime() + waitNanos;
        for (long left = waitNanos; left > 0; left = until - System.nanoTime()) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, config.keepAlive().toNanos()));
            if (connection.nanosSinceLastSend() >= config.keepAlive().toNanos()) {
                connection.send(new Request.Ping());
            }
        }
    }

    private void giveBackOutstanding() {
        List<Long> keys = new ArrayList<>(outstanding);
        outstanding.clear();
        keys.forEach(attempt.queue()::retry);
    }

    private void reconnect(IOException cause) throws SourceFailure, InterruptedException {
        connection.close();
        if (++consecutiveFailures > config.reconnects()) {
            throw new SourceFailure("connection to " + connection.location() + " keeps failing: " + cause, cause);
        }
        TimeUnit.MILLISECONDS.sleep(50L * consecutiveFailures);
        connection = attempt.reopen();
    }
}
