package dev.flotilla.log.impl;

import static dev.flotilla.log.impl.WalFormat.*;

import dev.flotilla.log.file.LogDirectory;
import dev.flotilla.log.file.LogFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Prepares the next segment in the background so that rolling over costs the writer nothing: a spare (purged) file is
 * renamed and given a new header, or else a new file is created at its full size.
 *
 * <p>Why not fill new files with zeros: fdatasync into blocks that are already written is the cheapest kind (measured
 * here: about 1.6x the syncs/s of a growing file for small writes), but filling a 64 MiB file costs as much disk
 * bandwidth as the data it will hold, and under load it halved the engine's throughput. A new file is therefore only
 * sized (no size change to commit on each sync); recycled spares give the already-written blocks for free once purging
 * runs. See docs/log-engine.md.
 */
final class SegmentPreparer {
    private final LogDirectory directory;
    private final long segmentSizeBytes;
    private final Executor executor;
    private final Deque<String> spares = new ArrayDeque<>();
    private CompletableFuture<Segment> next;
    private long nextSeq = -1;

    SegmentPreparer(LogDirectory directory, long segmentSizeBytes, Executor executor, Collection<String> spares) {
        this.directory = directory;
        this.segmentSizeBytes = segmentSizeBytes;
        this.executor = executor;
        this.spares.addAll(spares);
    }

    /** Starts preparing segment {@code seq} unless it already is. */
    void prepare(long seq) {
        if (next == null || nextSeq != seq) {
            nextSeq = seq;
            next = CompletableFuture.supplyAsync(() -> create(seq), executor);
        }
    }

    /**
     * The prepared segment {@code seq}, waiting for it if needed. A preparation that failed in the background (say,
     * the disk was full then) is retried once before the failure is thrown; the next call tries again.
     */
    Segment take(long seq) throws IOException {
        try {
            return await(seq);
        } catch (IOException earlier) {
            return await(seq);
        }
    }

    private Segment await(long seq) throws IOException {
        prepare(seq);
        try {
            return next.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw e;
        } finally {
            next = null;
        }
    }

    /** Waits for a preparation in progress and closes the file it prepared, which nothing will use. */
    void close() {
        if (next != null) {
            try {
                next.join().file.close();
            } catch (IOException | RuntimeException e) {
                // Nothing to release if the preparation failed.
            }
            next = null;
        }
    }

    synchronized int spareCount() {
        return spares.size();
    }

    synchronized void addSpare(String name) {
        spares.add(name);
    }

    private synchronized String pollSpare() {
        return spares.poll();
    }

    private Segment create(long seq) {
        String name = segmentName(seq);
        try {
            String spare = pollSpare();
            if (spare != null) {
                directory.rename(spare, name);
                LogFile file = directory.open(name, false);
                writeHeader(file, seq);
                directory.sync();
                return new Segment(seq, file, FILE_HEADER_BYTES);
            }
            String temp = tempName(seq);
            LogFile file = directory.open(temp, true);
            file.write(ByteBuffer.allocate(1), segmentSizeBytes - 1); // sized, not filled
            writeHeader(file, seq);
            directory.rename(temp, name);
            directory.sync();
            return new Segment(seq, file, FILE_HEADER_BYTES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Header, then a zero frame header that marks the (still empty) end of the data, then a flush. */
    private static void writeHeader(LogFile file, long seq) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(FILE_HEADER_BYTES + FRAME_HEADER_BYTES);
        header.put(fileHeader(seq)).position(header.capacity()).flip();
        file.write(header, 0);
        file.force();
    }
}
