package dev.flotilla.sim.cluster;

import dev.flotilla.log.LogBatch;
import dev.flotilla.log.LogEngine;
import dev.flotilla.log.LogStats;
import dev.flotilla.raft.LogStorage;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The real log engine as the runtime sees it on a simulated disk. The engine runs on a direct executor, so its fsync
 * request returns at once; this wrapper completes each append only when the {@link SimulatedDisk} reports that request
 * landed, which is when a real fdatasync would have returned. Reads go straight to the engine.
 *
 * <p>With {@code ackBeforeDurable} (planted bug 4, the runtime acknowledging before the log is durable) appends
 * complete as soon as the engine has written them, before the simulated fsync: a crash in between loses entries the
 * node has already acknowledged to its leader.
 */
final class DiskTimedLogEngine implements LogEngine {
    private final LogEngine engine;
    private final SimulatedDisk disk;
    private final boolean ackBeforeDurable;

    DiskTimedLogEngine(LogEngine engine, SimulatedDisk disk, boolean ackBeforeDurable) {
        this.engine = engine;
        this.disk = disk;
        this.ackBeforeDurable = ackBeforeDurable;
    }

    @Override
    public CompletableFuture<Void> append(LogBatch batch) {
        return afterFsync(engine.append(batch));
    }

    @Override
    public CompletableFuture<Void> removeGroup(long groupId) {
        return afterFsync(engine.removeGroup(groupId));
    }

    private CompletableFuture<Void> afterFsync(CompletableFuture<Void> written) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        written.whenComplete((ok, error) -> {
            if (error != null) {
                done.completeExceptionally(error);
            } else if (ackBeforeDurable) {
                done.complete(null);
            } else {
                disk.whenDurable("log batch durable", () -> done.complete(null));
            }
        });
        return done;
    }

    @Override
    public LogStorage group(long groupId) {
        return engine.group(groupId);
    }

    @Override
    public Set<Long> groups() {
        return engine.groups();
    }

    @Override
    public LogStats stats() {
        return engine.stats();
    }

    @Override
    public void close() throws IOException {
        engine.close();
    }
}
