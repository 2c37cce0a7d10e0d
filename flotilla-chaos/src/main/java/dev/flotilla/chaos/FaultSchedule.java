package dev.flotilla.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The faults of a run, generated from a seed: the same seed, phase length and kinds give the same schedule (what the
 * system does in response depends on timing and does not replay). Faults do not overlap: each lasts 2–6 s and is
 * followed by 1–3 s of calm, so the cluster gets to recover between them. The kinds come in shuffled rounds, so every
 * kind asked for occurs once before any occurs twice.
 */
public final class FaultSchedule {
    static final long FIRST_FAULT_MILLIS = 2_000;
    static final long MIN_FAULT_MILLIS = 2_000;
    static final long MAX_EXTRA_FAULT_MILLIS = 4_000;
    static final long MIN_CALM_MILLIS = 1_000;
    static final long MAX_EXTRA_CALM_MILLIS = 2_000;

    private FaultSchedule() {}

    /** Faults that all end within {@code phaseMillis}, in start order. */
    public static List<Fault> generate(long seed, long phaseMillis, Set<FaultKind> kinds) {
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("no fault kinds to schedule");
        }
        Random random = new Random(seed);
        List<FaultKind> round = new ArrayList<>();
        List<Fault> faults = new ArrayList<>();
        long at = FIRST_FAULT_MILLIS;
        while (true) {
            if (round.isEmpty()) {
                // Enum order first, so the shuffle does not depend on the set's iteration order.
                kinds.stream().sorted().forEach(round::add);
                Collections.shuffle(round, random);
            }
            long duration = MIN_FAULT_MILLIS + random.nextInt((int) MAX_EXTRA_FAULT_MILLIS + 1);
            long calm = MIN_CALM_MILLIS + random.nextInt((int) MAX_EXTRA_CALM_MILLIS + 1);
            long nodeOrderSeed = random.nextLong();
            if (at + duration > phaseMillis) {
                return faults;
            }
            faults.add(new Fault(round.remove(0), at, duration, nodeOrderSeed));
            at += duration + calm;
        }
    }
}
