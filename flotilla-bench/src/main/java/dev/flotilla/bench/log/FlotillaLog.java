package dev.flotilla.bench.log;

import dev.flotilla.log.GroupWrite;
import dev.flotilla.log.LogBatch;
import dev.flotilla.log.LogEngine;
import dev.flotilla.log.LogEngineConfig;
import dev.flotilla.raft.Entry;
import dev.flotilla.raft.HardState;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.SnapshotMeta;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Flotilla's engine: each append is a batch with the group's entry, preceded by a snapshot marker when compacting. */
final class FlotillaLog implements LogUnderTest {
    private static final Membership MEMBERS = Membership.ofVoters(Set.of(1L, 2L, 3L));

    private final LogEngine engine;

    FlotillaLog(Path dir) throws IOException {
        engine = LogEngine.open(LogEngineConfig.defaults(dir));
    }

    LogEngine engine() {
        return engine;
    }

    @Override
    public CompletableFuture<Void> append(long group, long index, long term, byte[] data, OptionalLong compactThrough) {
        Optional<SnapshotMeta> marker = compactThrough.isPresent()
                ? Optional.of(new SnapshotMeta(compactThrough.getAsLong(), term, MEMBERS, new byte[0]))
                : Optional.empty();
        GroupWrite write = new GroupWrite(
                group,
                marker,
                OptionalLong.empty(),
                List.of(Entry.normal(index, term, data)),
                Optional.<HardState>empty());
        return engine.append(LogBatch.of(write));
    }

    @Override
    public long syncs() {
        return engine.stats().flushes();
    }

    @Override
    public double indexBytesPerEntry() {
        return engine.stats().indexBytesPerEntry();
    }

    @Override
    public void close() throws IOException {
        engine.close();
    }
}
