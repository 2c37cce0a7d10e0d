package dev.flotilla.log.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.log.GroupWrite;
import dev.flotilla.log.LogBatch;
import dev.flotilla.log.LogEngine;
import dev.flotilla.log.LogEngineConfig;
import dev.flotilla.log.file.FaultyDirectory;
import dev.flotilla.raft.Entry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntryCacheTest {
    private static LogEngine open(FaultyDirectory dir, long cacheBytes) throws IOException {
        return LogEngine.open(
                LogEngineConfig.defaults(Path.of("in-memory"))
                        .withSegmentSizeBytes(1 << 20)
                        .withCacheBytes(cacheBytes),
                dir,
                Runnable::run);
    }

    private static void append(LogEngine engine, long group, long from, long to) {
        for (long i = from; i <= to; i++) {
            engine.append(LogBatch.of(GroupWrite.entries(group, List.of(Entry.normal(i, 1, new byte[100])))))
                    .join();
        }
    }

    @Test
    void followerReadOfRecentEntriesIsServedFromMemory() throws IOException {
        FaultyDirectory dir = new FaultyDirectory();
        try (LogEngine engine = open(dir, 1 << 20)) {
            append(engine, 1, 1, 50);
            int reads = dir.reads();
            assertEquals(50, engine.group(1).entries(1, 51, Long.MAX_VALUE).size());
            assertEquals(reads, dir.reads(), "no file reads");
        }
    }

    @Test
    void cacheStaysWithinItsBudgetAndOlderEntriesComeFromDisk() throws IOException {
        FaultyDirectory dir = new FaultyDirectory();
        long budget = 20 * (100 + EntryRing.ENTRY_OVERHEAD_BYTES);
        try (LogEngine engine = open(dir, budget)) {
            append(engine, 1, 1, 30);
            append(engine, 2, 1, 30);
            assertTrue(
                    engine.stats().cacheBytes() <= budget,
                    "cache " + engine.stats().cacheBytes());
            int reads = dir.reads();
            engine.group(2).entries(25, 31, Long.MAX_VALUE);
            assertEquals(reads, dir.reads(), "the most recent entries are cached");
            assertEquals(30, engine.group(1).entries(1, 31, Long.MAX_VALUE).size());
            assertTrue(dir.reads() > reads, "group 1's entries were evicted and read back from the file");
        }
    }

    @Test
    void truncatedEntriesLeaveTheCache() throws IOException {
        FaultyDirectory dir = new FaultyDirectory();
        try (LogEngine engine = open(dir, 1 << 20)) {
            append(engine, 1, 1, 10);
            engine.append(LogBatch.of(GroupWrite.entries(1, List.of(Entry.normal(5, 2, new byte[] {9})))))
                    .join();
            assertEquals(
                    List.of(Entry.normal(5, 2, new byte[] {9})), engine.group(1).entries(5, 6, Long.MAX_VALUE));
            assertEquals(5, engine.group(1).lastIndex());
        }
    }
}
