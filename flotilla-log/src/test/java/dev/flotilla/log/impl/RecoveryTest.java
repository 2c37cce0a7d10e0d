package dev.flotilla.log.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.flotilla.log.GroupWrite;
import dev.flotilla.log.LogBatch;
import dev.flotilla.log.LogCorruptionException;
import dev.flotilla.log.LogEngine;
import dev.flotilla.log.LogEngineConfig;
import dev.flotilla.log.RecoveryMode;
import dev.flotilla.log.file.FaultyDirectory;
import dev.flotilla.log.file.FaultyDirectory.Crash;
import dev.flotilla.raft.Entry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RecoveryTest {
    private static LogEngineConfig config(RecoveryMode mode) {
        return LogEngineConfig.defaults(Path.of("in-memory"))
                .withSegmentSizeBytes(64 * 1024)
                .withRecoveryMode(mode);
    }

    private static LogBatch entry(long group, long index) {
        byte[] data = new byte[100];
        java.util.Arrays.fill(data, (byte) index);
        return LogBatch.of(GroupWrite.entries(group, List.of(Entry.normal(index, 1, data))));
    }

    /** Three acknowledged batches, then a fourth whose write was torn halfway (its flush failed: not acknowledged). */
    private static FaultyDirectory tornAfterThreeBatches() throws IOException {
        FaultyDirectory dir = new FaultyDirectory();
        LogEngine engine = LogEngine.open(config(RecoveryMode.TOLERATE_TAIL_CORRUPTION), dir, Runnable::run);
        for (long i = 1; i <= 3; i++) {
            engine.append(entry(1, i)).join();
        }
        dir.failForce(true);
        assertThrows(CompletionException.class, () -> engine.append(entry(1, 4)).join());
        return dir.crash(new Crash.TearLastWrite(dir.lastWriteBytes() / 2));
    }

    @Test
    void tornTailIsCutOffWithALogLineSayingHowManyBytesWereDropped() throws IOException {
        FaultyDirectory dir = tornAfterThreeBatches();
        Logger logger = (Logger) LoggerFactory.getLogger(Recovery.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try (LogEngine engine = LogEngine.open(config(RecoveryMode.TOLERATE_TAIL_CORRUPTION), dir, Runnable::run)) {
            assertEquals(3, engine.group(1).lastIndex());
            engine.append(entry(1, 4)).join();
        } finally {
            logger.detachAppender(appender);
        }
        String line = appender.list.stream()
                .map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("torn tail"))
                .findFirst()
                .orElseThrow();
        int frameBytes =
                WalFormat.align(WalFormat.FRAME_HEADER_BYTES + 8 + 1 + 8 + 4 + WalFormat.ENTRY_HEADER_BYTES + 100);
        assertTrue(line.contains("Dropped a torn tail of " + frameBytes + " bytes"), line);
        try (LogEngine engine = LogEngine.open(config(RecoveryMode.TOLERATE_TAIL_CORRUPTION), dir, Runnable::run)) {
            assertEquals(4, engine.group(1).lastIndex(), "the log continues after the cut");
        }
    }

    @Test
    void absoluteConsistencyRefusesATornTail() throws IOException {
        FaultyDirectory dir = tornAfterThreeBatches();
        LogCorruptionException e = assertThrows(
                LogCorruptionException.class,
                () -> LogEngine.open(config(RecoveryMode.ABSOLUTE_CONSISTENCY), dir, Runnable::run));
        assertTrue(e.getMessage().contains("ABSOLUTE_CONSISTENCY"), e.getMessage());
    }

    @Test
    void checksumFailureInTheMiddleIsAnErrorNamingFileAndOffset() throws IOException {
        FaultyDirectory dir = new FaultyDirectory();
        try (LogEngine engine = LogEngine.open(config(RecoveryMode.TOLERATE_TAIL_CORRUPTION), dir, Runnable::run)) {
            for (long i = 1; i <= 5; i++) {
                engine.append(entry(1, i)).join();
            }
        }
        String file = WalFormat.segmentName(1);
        int secondFrame = WalFormat.FILE_HEADER_BYTES
                + WalFormat.align(WalFormat.FRAME_HEADER_BYTES + 8 + 1 + 8 + 4 + WalFormat.ENTRY_HEADER_BYTES + 100);
        dir.flipBit(file, secondFrame + 60, 2);
        dir.flipBit(file, secondFrame + 70, 5); // two bits: not mistaken for a torn write by any rule
        for (RecoveryMode mode : RecoveryMode.values()) {
            LogCorruptionException e =
                    assertThrows(LogCorruptionException.class, () -> LogEngine.open(config(mode), dir, Runnable::run));
            assertEquals(file, e.file());
            assertEquals(secondFrame, e.offset());
        }
    }

    @Test
    void recycledSegmentNeverReplaysItsOldFrames() throws IOException {
        FaultyDirectory dir = new FaultyDirectory();
        LogEngineConfig config = config(RecoveryMode.TOLERATE_TAIL_CORRUPTION);
        try (LogEngine engine = LogEngine.open(config, dir, Runnable::run)) {
            // Fill and compact away a few segments so that purged files become spares and are reused.
            for (long i = 1; i <= 3000; i++) {
                engine.append(entry(1, i)).join();
                if (i % 100 == 0) {
                    engine.append(LogBatch.of(GroupWrite.truncate(2, 1))).join();
                }
                if (i % 500 == 0) {
                    engine.append(LogBatch.of(GroupWrite.snapshot(
                                    1,
                                    new dev.flotilla.raft.SnapshotMeta(
                                            i - 10, 1, dev.flotilla.raft.Membership.EMPTY, new byte[0]))))
                            .join();
                }
            }
            assertTrue(dir.list().stream().anyMatch(n -> n.endsWith(".spare"))
                    || engine.stats().segments() < 10);
        }
        try (LogEngine engine = LogEngine.open(config, dir, Runnable::run)) {
            assertEquals(2991, engine.group(1).firstIndex());
            assertEquals(3000, engine.group(1).lastIndex());
        }
    }
}
