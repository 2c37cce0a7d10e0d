package dev.flotilla.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ten minutes of every fault kind ({@code ./mvnw verify -Psoak}); prints its seed, replays with -Dchaos.seed=N. */
@Tag("soak")
class ChaosSoakTest {
    @TempDir
    Path dir;

    @Test
    void tenMinutesOfEveryFaultKindStayLinearizableLoseNothingAndLeaveEqualReplicas() throws Exception {
        ChaosRunTest.assertHealthy(
                ChaosRunTest.run(dir, Duration.ofMinutes(10), EnumSet.allOf(FaultKind.class), Optional.empty()));
    }
}
