package dev.flotilla.log.impl;

import static dev.flotilla.log.impl.WalFormat.*;

import dev.flotilla.log.GroupWrite;
import dev.flotilla.log.LogEngineConfig;
import dev.flotilla.log.LogEngineFailedException;
import dev.flotilla.log.file.LogDirectory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group-commit loop. Each cycle takes everything queued (up to the soft size cap), encodes it as one frame, writes
 * it with one call, flushes it with one fdatasync, applies it to the index, hands the futures to the completer, then
 * purges. What arrives meanwhile waits for the next cycle. Cycles run one at a time on the given executor; nothing here
 * blocks except the I/O itself.
 *
 * <p>Futures are completed on a separate executor, in order, so that running the callers' callbacks (often the next
 * append) overlaps with the next cycle instead of delaying it.
 */
final class Writer {
    private static final Logger log = LoggerFactory.getLogger(Writer.class);
    private static final byte[] END_MARKER = new byte[FRAME_HEADER_BYTES];

    private final LogEngineConfig config;
    private final LogDirectory directory;
    private final Segments segments;
    private final GroupTable groups;
    private final SegmentPreparer preparer;
    private final Executor executor;
    private final Executor completer;
    private final BatchValidator validator;
    private final FrameEncoder encoder;
    private final int maxFrameBytes;

    /** Writes of at most this many batches complete on the writer thread when the completer is idle. */
    private static final int INLINE_COMPLETIONS = 16;

    private final ConcurrentLinkedDeque<PendingWrite> queue = new ConcurrentLinkedDeque<>();
    private final AtomicInteger completionsQueued = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private Segment active;
    private IOException failure;
    private volatile long diskBytes;
    private volatile long flushes;
    private volatile long flushNanos;
    private ByteBuffer endMarkerFrame = ByteBuffer.allocateDirect(1 << 16);

    Writer(
            LogEngineConfig config,
            LogDirectory directory,
            Segments segments,
            GroupTable groups,
            SegmentPreparer preparer,
            Executor executor,
            Executor completer,
            Segment active) {
        this.config = config;
        this.directory = directory;
        this.segments = segments;
        this.groups = groups;
        this.preparer = preparer;
        this.executor = executor;
        this.completer = completer;
        this.active = active;
        this.validator = new BatchValidator(groups);
        this.maxFrameBytes = (int) (config.segmentSizeBytes() - FILE_HEADER_BYTES - FRAME_HEADER_BYTES);
        this.encoder = new FrameEncoder((int) Math.min(maxFrameBytes, config.maxWriteBytes() + (1 << 20)));
        updateDiskBytes();
    }

    void submit(PendingWrite write) {
        queue.add(write);
        if (scheduled.compareAndSet(false, true)) {
            executor.execute(this::run);
        }
    }

    long diskBytes() {
        return diskBytes;
    }

    long flushes() {
        return flushes;
    }

    /** Time spent in the fdatasyncs counted by {@link #flushes()}. */
    long flushNanos() {
        return flushNanos;
    }

    private void run() {
        do {
            List<PendingWrite> taken = take();
            try {
                cycle(taken);
            } catch (RuntimeException | Error e) {
                log.error("Log writer cycle failed; the engine refuses writes from now on", e);
                failure = new LogEngineFailedException("the log writer failed: " + e, e);
                completeAll(taken, Optional.<Exception>of(failure));
            } finally {
                scheduled.set(false);
            }
        } while (!queue.isEmpty() && scheduled.compareAndSet(false, true));
    }

    private void cycle(List<PendingWrite> taken) {
        if (failure != null) {
            completeAll(taken, Optional.<Exception>of(failure));
            return;
        }
        encoder.reset();
        validator.reset();
        planRewrite();
        List<PendingWrite> included = new ArrayList<>();
        List<PendingWrite> rejected = new ArrayList<>();
        List<IllegalArgumentException> rejections = new ArrayList<>();
        for (int i = 0; i < taken.size(); i++) {
            PendingWrite pending = taken.get(i);
            if (pending instanceof PendingWrite.Append append && validator.marksPendingGroup(append.batch())) {
                requeue(taken, i);
                break;
            }
            int mark = encoder.mark();
            int sizeBefore = encoder.size();
            try {
                encode(pending);
            } catch (IllegalArgumentException e) {
                encoder.rollback(mark);
                rejected.add(pending);
                rejections.add(e);
                continue;
            }
            if (encoder.size() > maxFrameBytes) {
                encoder.rollback(mark);
                if (sizeBefore == FRAME_HEADER_BYTES) {
                    IllegalArgumentException tooLarge = new IllegalArgumentException("batch of about "
                            + pending.estimatedBytes() + " bytes does not fit in a segment of "
                            + config.segmentSizeBytes() + " bytes");
                    rejected.add(pending);
                    rejections.add(tooLarge);
                    continue;
                }
                requeue(taken, i);
                break;
            }
            included.add(pending);
        }
        for (int i = 0; i < rejected.size(); i++) {
            completeAll(List.of(rejected.get(i)), Optional.of(rejections.get(i)));
        }
        if (encoder.isEmpty()) {
            completeAll(included, Optional.empty());
            return;
        }
        try {
            writeFrame();
        } catch (IOException e) {
            completeAll(included, Optional.<Exception>of(e));
            return;
        }
        completeAll(included, Optional.empty());
        purge();
        updateDiskBytes();
    }

    /** Puts {@code taken[from..]} back at the head of the queue, in order, for the next cycle. */
    private void requeue(List<PendingWrite> taken, int from) {
        for (int j = taken.size() - 1; j >= from; j--) {
            queue.addFirst(taken.get(j));
        }
    }

    private List<PendingWrite> take() {
        List<PendingWrite> taken = new ArrayList<>();
        long bytes = 0;
        PendingWrite next;
        while (bytes < config.maxWriteBytes() && (next = queue.poll()) != null) {
            taken.add(next);
            bytes += next.estimatedBytes();
        }
        return taken;
    }

    private void encode(PendingWrite pending) {
        if (pending instanceof PendingWrite.Append append) {
            validator.accept(append.batch());
            for (GroupWrite write : append.batch().writes()) {
                encoder.addWrite(write);
            }
        } else if (pending instanceof PendingWrite.Remove remove) {
            validator.removed(remove.groupId());
            encoder.addRemove(remove.groupId());
        }
    }

    /** Writes, flushes and applies the encoded frame. Only a failed flush leaves the engine failed. */
    private void writeFrame() throws IOException {
        int frameBytes = align(encoder.size());
        if (active.end + frameBytes + FRAME_HEADER_BYTES > config.segmentSizeBytes()) {
            Segment next = preparer.take(active.seq + 1);
            segments.add(next);
            active = next;
            preparer.prepare(active.seq + 1);
        }
        ByteBuffer write = withEndMarker(encoder.finish(active.seq));
        long start = active.end;
        active.file.write(write, start);
        long forceStart = System.nanoTime();
        try {
            active.file.force();
        } catch (IOException e) {
            failure = new LogEngineFailedException(
                    "fdatasync of " + active.name + " failed; reopen the engine to continue: " + e.getMessage(), e);
            throw failure;
        }
        flushNanos += System.nanoTime() - forceStart;
        flushes++;
        for (GroupRecord record : encoder.records()) {
            groups.apply(record, active, start);
        }
        active.end = start + frameBytes;
    }

    /** The frame followed by a zero frame header, so the end of the data is marked even in a recycled file. */
    private ByteBuffer withEndMarker(ByteBuffer frame) {
        int length = frame.remaining() + FRAME_HEADER_BYTES;
        if (endMarkerFrame.capacity() < length) {
            endMarkerFrame = ByteBuffer.allocateDirect(Math.max(length, 1 << 16));
        }
        endMarkerFrame.clear();
        endMarkerFrame.put(frame).put(END_MARKER).flip();
        return endMarkerFrame;
    }

    private void planRewrite() {
        if (segments.count() < 2 || segments.oldest() == active) {
            return;
        }
        long disk = diskBytes;
        if (disk < config.rewriteMinDiskBytes() || disk < config.rewriteDiskToLiveRatio() * segments.liveBytes()) {
            return;
        }
        long seq = segments.oldest().seq;
        long budget = config.rewriteBytesPerWrite();
        for (GroupIndex group : groups.all()) {
            if (!group.pins(seq)) {
                continue;
            }
            long bytes = group.restateBytes();
            if (bytes > maxFrameBytes / 2) {
                log.warn("Group {} holds {} bytes, too many to rewrite; it pins {}", group.groupId, bytes, seq);
                continue;
            }
            if (bytes > budget && !encoder.isEmpty()) {
                break;
            }
            encoder.addReset(
                    group.groupId,
                    group.snapshot(),
                    group.entries(group.firstIndex(), group.lastIndex() + 1, Long.MAX_VALUE),
                    group.hardState());
            budget -= bytes;
        }
    }

    /** Deletes (or keeps as spares) the oldest segments, as long as nothing in them is needed. */
    void purge() {
        boolean purged = false;
        while (segments.count() > 1
                && segments.oldest() != active
                && segments.oldest().unused()) {
            Segment oldest = segments.oldest();
            try {
                if (preparer.spareCount() < config.spareSegments()) {
                    String spare = spareName(oldest.seq);
                    directory.rename(oldest.name, spare);
                    preparer.addSpare(spare);
                } else {
                    directory.delete(oldest.name);
                }
            } catch (IOException e) {
                log.warn("Could not purge {}; will retry", oldest.name, e);
                break;
            }
            segments.remove(oldest);
            closeQuietly(oldest);
            purged = true;
        }
        if (purged) {
            try {
                directory.sync();
            } catch (IOException e) {
                log.warn("Could not sync the log directory after purging", e);
            }
        }
    }

    private void updateDiskBytes() {
        long bytes = 0;
        for (Segment segment : segments.all()) {
            bytes += segment == active ? segment.end : config.segmentSizeBytes();
        }
        diskBytes = bytes;
    }

    private static void closeQuietly(Segment segment) {
        try {
            segment.file.close();
        } catch (IOException e) {
            log.warn("Could not close {}", segment.name, e);
        }
    }

    /**
     * Completes the futures, in order. A small write whose futures would be the only work of the completer completes
     * them right here: handing a single append to another thread would only add a thread wake-up to its latency.
     */
    private void completeAll(List<PendingWrite> pendings, Optional<Exception> error) {
        if (pendings.isEmpty()) {
            return;
        }
        if (pendings.size() <= INLINE_COMPLETIONS && completionsQueued.get() == 0) {
            complete(pendings, error);
            return;
        }
        completionsQueued.incrementAndGet();
        completer.execute(() -> {
            complete(pendings, error);
            completionsQueued.decrementAndGet();
        });
    }

    private static void complete(List<PendingWrite> pendings, Optional<Exception> error) {
        for (PendingWrite pending : pendings) {
            if (error.isPresent()) {
                pending.future().completeExceptionally(error.get());
            } else {
                pending.future().complete(null);
            }
        }
    }
}
