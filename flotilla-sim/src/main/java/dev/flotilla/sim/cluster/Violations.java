package dev.flotilla.sim.cluster;

import java.util.Optional;

/** The first broken promise of a run; the run stops at it. */
final class Violations {
    private Optional<String> first = Optional.empty();

    void report(String violation) {
        if (first.isEmpty()) {
            first = Optional.of(violation);
        }
    }

    boolean any() {
        return first.isPresent();
    }

    Optional<String> first() {
        return first;
    }
}
