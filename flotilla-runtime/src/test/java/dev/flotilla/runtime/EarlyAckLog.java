package dev.flotilla.runtime;

import dev.flotilla.log.LogBatch;
import dev.flotilla.log.LogEngine;
import dev.flotilla.log.LogStats;
import dev.flotilla.raft.LogStorage;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** A planted bug: once told to lie, a log that acknowledges every batch at once, before it is durable. */
final class EarlyAckLog implements LogEngine {
    private final LogEngine delegate;
    private volatile boolean lying;

    EarlyAckLog(LogEngine delegate) {
        this.delegate = delegate;
    }

    void startLying() {
        lying = true;
    }

    @Override
    public CompletableFuture<Void> append(LogBatch batch) {
        CompletableFuture<Void> durable = delegate.append(batch);
        return lying ? CompletableFuture.completedFuture(null) : durable;
    }

    @Override
    public CompletableFuture<Void> removeGroup(long groupId) {
        return delegate.removeGroup(groupId);
    }

    @Override
    public LogStorage group(long groupId) {
        return delegate.group(groupId);
    }

    @Override
    public Set<Long> groups() {
        return delegate.groups();
    }

    @Override
    public LogStats stats() {
        return delegate.stats();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
