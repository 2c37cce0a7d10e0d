package dev.flotilla.log;

import dev.flotilla.log.file.FileChannelDirectory;
import dev.flotilla.log.file.LogDirectory;
import dev.flotilla.log.impl.SegmentedLogEngine;
import dev.flotilla.raft.LogStorage;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One write-ahead log shared by every Raft group of a node.
 *
 * <p><b>Durability.</b> {@link #append} returns a future that completes only once its whole batch is on disk (written,
 * then flushed with fdatasync). Batches that arrive while a flush is running are written together, with one write and
 * one flush, however many groups they hold (group commit). A batch is atomic: after a crash, recovery finds all of it
 * or none of it, never a part. A future that fails means the batch is not acknowledged: it may or may not survive a
 * crash, but never partially.
 *
 * <p><b>Order.</b> Batches apply in the order of their {@code append} calls (calls from different threads are ordered
 * by the engine's queue); inside a batch, in list order, with the parts of each {@link GroupWrite} in the order its
 * Javadoc gives. Appending to a group that does not exist creates it.
 *
 * <p><b>Reads.</b> {@link #group(long)} is a {@link LogStorage} view of one group. It shows a batch once the batch's
 * future completes (never before: reads only see durable data), and stays consistent while other threads append.
 *
 * <p><b>Threads.</b> {@code append}, {@code removeGroup} and the reads may be called from any thread. Futures complete
 * in order on one engine thread (the completer), so callbacks must not block; use the {@code *Async} variants for real
 * work.
 *
 * <p><b>Errors.</b> A batch that breaks a {@link GroupWrite} rule fails with {@link IllegalArgumentException} and
 * nothing of it is written. An I/O error while writing (a full disk, say) fails the batches of that write with the
 * {@link IOException}; the engine keeps going and later batches succeed once the cause goes away. A failed flush is
 * different: the kernel may have dropped the unflushed pages, so the engine fails that write's batches and every later
 * call with {@link LogEngineFailedException}; reopen it to continue. Nothing acknowledged is ever lost by either.
 */
public interface LogEngine extends AutoCloseable {
    /** Opens (recovering) the log in {@code config.directory()}, with the engine's own writer and preparer threads. */
    static LogEngine open(LogEngineConfig config) throws IOException {
        return SegmentedLogEngine.open(config, new FileChannelDirectory(config.directory()), Optional.empty());
    }

    /**
     * Opens the log on a given file layer. {@code executor} runs all of the engine's background work
     * (write cycles, segment preparation, completions) instead of the engine's own threads; a direct executor ({@code
     * Runnable::run}) makes the engine single-threaded and deterministic, for simulation.
     */
    static LogEngine open(LogEngineConfig config, LogDirectory directory, Executor executor) throws IOException {
        return SegmentedLogEngine.open(config, directory, Optional.of(executor));
    }

    /** Appends a batch; the future completes when it is durable, or fails as the class Javadoc says. */
    CompletableFuture<Void> append(LogBatch batch);

    /** Removes a group and all its data; the future completes when the removal is durable. */
    CompletableFuture<Void> removeGroup(long groupId);

    /**
     * A read view of one group. For a group that is not present it is an empty log ({@link
     * dev.flotilla.raft.HardState#EMPTY}, {@link dev.flotilla.raft.SnapshotMeta#EMPTY}); it follows the group if the
     * group is created later.
     */
    LogStorage group(long groupId);

    /**
     * Ids of the groups present, in ascending order (a deterministic order: the simulator replays a seed exactly only if
     * groups reopen in the same order on every run).
     */
    Set<Long> groups();

    LogStats stats();

    /** Waits for queued batches, stops the threads and closes the files. Later calls fail. */
    @Override
    void close() throws IOException;
}
