package dev.flotilla.log.impl;

import dev.flotilla.log.LogBatch;
import dev.flotilla.log.LogEngine;
import dev.flotilla.log.LogEngineConfig;
import dev.flotilla.log.LogStats;
import dev.flotilla.log.file.LogDirectory;
import dev.flotilla.raft.LogStorage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link LogEngine}: segment files, a group-commit {@link Writer}, and a {@link GroupIndex} per group. */
public final class SegmentedLogEngine implements LogEngine {
    private static final Logger log = LoggerFactory.getLogger(SegmentedLogEngine.class);

    private final LogEngineConfig config;
    private final Segments segments;
    private final GroupTable groups;
    private final EntryCache cache;
    private final SegmentPreparer preparer;
    private final Writer writer;
    private final List<ExecutorService> ownThreads;
    private volatile boolean closed;

    private SegmentedLogEngine(
            LogEngineConfig config,
            Segments segments,
            GroupTable groups,
            EntryCache cache,
            SegmentPreparer preparer,
            Writer writer,
            List<ExecutorService> ownThreads) {
        this.config = config;
        this.segments = segments;
        this.groups = groups;
        this.cache = cache;
        this.preparer = preparer;
        this.writer = writer;
        this.ownThreads = ownThreads;
    }

    /**
     * Recovers the log in {@code directory} and starts the engine.
     *
     * @param executor runs write cycles and segment preparation; when empty the engine starts its own two threads
     */
    public static SegmentedLogEngine open(LogEngineConfig config, LogDirectory directory, Optional<Executor> executor)
            throws IOException {
        long started = System.nanoTime();
        EntryCache cache = new EntryCache(config.cacheBytes());
        Segments segments = new Segments();
        GroupTable groups = new GroupTable(segments, cache);
        List<ExecutorService> ownThreads = new ArrayList<>();
        Executor preparation = executor.orElseGet(() -> own(ownThreads, "flotilla-log-preparer"));
        Recovery.Outcome recovered;
        try {
            // The preparer's thread is idle until recovery ends: it reads segments ahead of the replay.
            recovered = Recovery.run(directory, config.recoveryMode(), segments, groups, preparation);
        } catch (IOException | RuntimeException e) {
            ownThreads.forEach(ExecutorService::shutdownNow);
            for (Segment segment : segments.all()) {
                segment.file.close();
            }
            throw e;
        }
        Executor writes = executor.orElseGet(() -> own(ownThreads, "flotilla-log-writer"));
        Executor completions = executor.orElseGet(() -> own(ownThreads, "flotilla-log-completer"));
        SegmentPreparer preparer =
                new SegmentPreparer(directory, config.segmentSizeBytes(), preparation, recovered.spares());
        Segment active;
        try {
            active = preparer.take(recovered.nextSeq());
        } catch (IOException e) {
            ownThreads.forEach(ExecutorService::shutdownNow);
            throw e;
        }
        segments.add(active);
        preparer.prepare(active.seq + 1);
        Writer writer = new Writer(config, directory, segments, groups, preparer, writes, completions, active);
        writer.purge(); // before any write: segments that recovery found empty or fully compacted (the writer is idle)
        log.info(
                "Opened log {}: {} groups, {} segments, {} live bytes, recovered in {} ms",
                config.directory(),
                groups.size(),
                segments.count(),
                segments.liveBytes(),
                (System.nanoTime() - started) / 1_000_000);
        return new SegmentedLogEngine(config, segments, groups, cache, preparer, writer, ownThreads);
    }

    private static ExecutorService own(List<ExecutorService> threads, String name) {
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        threads.add(thread);
        return thread;
    }

    @Override
    public CompletableFuture<Void> append(LogBatch batch) {
        PendingWrite.Append pending = PendingWrite.Append.of(batch);
        return submit(pending);
    }

    @Override
    public CompletableFuture<Void> removeGroup(long groupId) {
        return submit(new PendingWrite.Remove(groupId, new CompletableFuture<>()));
    }

    private CompletableFuture<Void> submit(PendingWrite pending) {
        if (closed) {
            pending.future().completeExceptionally(new IOException("the log engine is closed"));
            return pending.future();
        }
        writer.submit(pending);
        return pending.future();
    }

    @Override
    public LogStorage group(long groupId) {
        return new GroupView(groups, groupId);
    }

    @Override
    public Set<Long> groups() {
        return groups.ids();
    }

    @Override
    public LogStats stats() {
        long entries = 0;
        long indexBytes = 0;
        for (GroupIndex group : groups.all()) {
            entries += group.entryCount();
            indexBytes += group.heapBytes() + 64; // the table's map node
        }
        long disk = writer.diskBytes() + (long) (preparer.spareCount() + 1) * config.segmentSizeBytes();
        return new LogStats(
                groups.size(),
                entries,
                indexBytes,
                cache.bytes(),
                segments.liveBytes(),
                disk,
                segments.count(),
                writer.flushes(),
                writer.flushNanos());
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        CompletableFuture<Void> drained = new CompletableFuture<>();
        writer.submit(new PendingWrite.Barrier(drained));
        closed = true;
        try {
            drained.join();
        } catch (CompletionException e) {
            // The barrier fails only if the engine failed; the files still need closing.
        }
        for (ExecutorService thread : ownThreads) {
            thread.shutdown();
            try {
                thread.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        preparer.close();
        for (Segment segment : segments.all()) {
            segment.file.close();
        }
    }
}
