package dev.flotilla.log.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.log.GroupWrite;
import dev.flotilla.log.LogBatch;
import dev.flotilla.log.LogEngine;
import dev.flotilla.log.LogEngineConfig;
import dev.flotilla.log.LogModel;
import dev.flotilla.log.file.FaultyDirectory;
import dev.flotilla.raft.Entry;
import dev.flotilla.raft.HardState;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.SnapshotMeta;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PurgeAndRewriteTest {
    private static final long SEGMENT_BYTES = 32 * 1024;

    private static LogEngineConfig config(double rewriteRatio) {
        return LogEngineConfig.defaults(Path.of("in-memory"))
                .withSegmentSizeBytes(SEGMENT_BYTES)
                .withRewrite(rewriteRatio, 4 * SEGMENT_BYTES, 16 * 1024);
    }

    private static LogBatch entry(long group, long index, int bytes) {
        byte[] data = new byte[bytes];
        java.util.Arrays.fill(data, (byte) (index * 7 + group));
        return LogBatch.of(GroupWrite.entries(group, List.of(Entry.normal(index, 1, data))));
    }

    private static LogBatch compact(long group, long through) {
        return LogBatch.of(
                GroupWrite.snapshot(group, new SnapshotMeta(through, 1, Membership.ofVoters(Set.of(1L)), new byte[0])));
    }

    /** One busy group that keeps its last 50 entries; optionally a second group written once, then idle. */
    private static int maxSegmentsSeen(FaultyDirectory dir, LogEngineConfig config, boolean withLaggard, LogModel model)
            throws IOException {
        int maxSegments = 0;
        try (LogEngine engine = LogEngine.open(config, dir, Runnable::run)) {
            if (withLaggard) {
                LogBatch once = LogBatch.of(
                        GroupWrite.entries(2, List.of(Entry.normal(1, 1, new byte[] {42}))),
                        GroupWrite.hardState(2, new HardState(1, 1, 1)));
                engine.append(once).join();
                model.apply(once);
            }
            for (long i = 1; i <= 4000; i++) {
                LogBatch batch = entry(1, i, 300);
                engine.append(batch).join();
                model.apply(batch);
                if (i % 25 == 0 && i > 50) {
                    engine.append(compact(1, i - 50)).join();
                    model.apply(compact(1, i - 50));
                }
                maxSegments = Math.max(maxSegments, engine.stats().segments());
            }
            model.assertMatches(engine);
        }
        return maxSegments;
    }

    @Test
    void segmentsWhoseEntriesAreAllCompactedArePurged() throws IOException {
        FaultyDirectory dir = new FaultyDirectory();
        LogModel model = new LogModel();
        int max = maxSegmentsSeen(dir, config(1000), false, model); // rewriting effectively off
        // 4000 x ~330 bytes is 40 segments of data; the group only keeps 50-75 entries alive.
        assertTrue(max <= 4, "at most a few segments at a time, saw " + max);
        try (LogEngine engine = LogEngine.open(config(1000), dir, Runnable::run)) {
            model.assertMatches(engine);
        }
    }

    @Test
    void laggingGroupPinsTheOldestSegmentWithoutRewriting() throws IOException {
        int max = maxSegmentsSeen(new FaultyDirectory(), config(1000), true, new LogModel());
        assertTrue(max > 30, "the idle group's one entry keeps every later segment, saw " + max);
    }

    @Test
    void laggingGroupIsRewrittenForwardSoDiskStaysBounded() throws IOException {
        FaultyDirectory dir = new FaultyDirectory();
        LogModel model = new LogModel();
        int max = maxSegmentsSeen(dir, config(2.0), true, model);
        assertTrue(max <= 8, "rewriting the idle group frees the old segments, saw " + max);
        try (LogEngine engine = LogEngine.open(config(2.0), dir, Runnable::run)) {
            model.assertMatches(engine);
            assertEquals(new HardState(1, 1, 1), engine.group(2).hardState());
        }
    }
}
