package dev.flotilla.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 60-second chaos run against five real server processes, every fault kind at least once: namespaces when the
 * host allows them (root), else proxies ({@code -Dchaos.network=proxy} forces them). Prints its seed;
 * {@code -Dchaos.seed=N} replays the fault schedule.
 */
class ChaosRunTest {
    @TempDir
    Path dir;

    static long seed() {
        return Long.getLong("chaos.seed", ThreadLocalRandom.current().nextLong());
    }

    static ChaosSummary run(Path dir, Duration phase, EnumSet<FaultKind> kinds, Optional<String> bug) throws Exception {
        ChaosOptions options = new ChaosOptions(
                seed(),
                phase,
                5,
                10,
                8,
                kinds,
                NetworkMode.valueOf(System.getProperty("chaos.network", "auto").toUpperCase(Locale.ROOT)),
                dir,
                bug,
                Duration.ofSeconds(120),
                Duration.ofSeconds(2));
        ChaosSummary summary = new ChaosRun(options, new PrintWriter(System.out, true)).run();
        System.out.println(summary.toJson());
        return summary;
    }

    static void assertHealthy(ChaosSummary summary) {
        assertEquals("linearizable", summary.linearizability(), summary.toJson());
        assertEquals(0, summary.lostWrites().size(), summary.lostWrites().toString());
        assertTrue(summary.checksumsEqual(), summary.toJson());
        assertTrue(summary.recovered(), summary.toJson());
        assertTrue(summary.ok() > 100, "too few operations succeeded: " + summary.toJson());
        summary.faults().forEach((kind, count) -> assertTrue(count >= 1, kind + " never injected"));
        assertTrue(summary.passed(), summary.problems().toString());
    }

    @Test
    void aMinuteOfEveryFaultKindStaysLinearizableLosesNothingAndLeavesEqualReplicas() throws Exception {
        assertHealthy(run(dir, Duration.ofSeconds(60), EnumSet.allOf(FaultKind.class), Optional.empty()));
    }

    @Test
    void serversThatServeLinearizableReadsLocallyAreCaughtUnderPartitions() throws Exception {
        ChaosSummary summary = run(
                dir,
                // 30 s hold at least three partitions; each sends reads to a minority that has stale data.
                Duration.ofSeconds(30),
                EnumSet.of(FaultKind.PARTITION_MAJORITY, FaultKind.LEADER_ISOLATION),
                Optional.of("stale-reads"));
        assertEquals("not linearizable", summary.linearizability(), summary.toJson());
        assertTrue(!summary.passed());
    }
}
