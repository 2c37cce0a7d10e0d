package dev.flotilla.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {
    @Test
    void theSameSeedGivesTheSameScheduleAndAnotherSeedAnother() {
        Set<FaultKind> all = EnumSet.allOf(FaultKind.class);
        assertEquals(FaultSchedule.generate(7, 60_000, all), FaultSchedule.generate(7, 60_000, all));
        assertTrue(!FaultSchedule.generate(7, 60_000, all).equals(FaultSchedule.generate(8, 60_000, all)));
    }

    @Test
    void sixtySecondsHoldEveryKindAndFaultsNeitherOverlapNorOutlastThePhase() {
        for (long seed = 0; seed < 2_000; seed++) {
            List<Fault> faults = FaultSchedule.generate(seed, 60_000, EnumSet.allOf(FaultKind.class));
            assertEquals(
                    EnumSet.allOf(FaultKind.class),
                    faults.stream().map(Fault::kind).collect(Collectors.toSet()),
                    "seed " + seed);
            for (int i = 0; i < faults.size(); i++) {
                Fault fault = faults.get(i);
                assertTrue(fault.startMillis() + fault.durationMillis() <= 60_000, "seed " + seed);
                if (i > 0) {
                    Fault before = faults.get(i - 1);
                    assertTrue(before.startMillis() + before.durationMillis() < fault.startMillis(), "seed " + seed);
                }
            }
        }
    }

    @Test
    void onlyTheKindsAskedForAreScheduled() {
        List<Fault> faults = FaultSchedule.generate(3, 30_000, EnumSet.of(FaultKind.PAUSE));
        assertTrue(faults.size() >= 3);
        assertTrue(faults.stream().allMatch(f -> f.kind() == FaultKind.PAUSE));
    }
}
