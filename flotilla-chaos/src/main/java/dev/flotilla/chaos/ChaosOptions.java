package dev.flotilla.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a chaos run does.
 *
 * @param seed seeds the fault schedule and the clients' choices
 * @param faultPhase how long faults are injected (the run takes longer: start-up, recovery and the checks)
 * @param kinds the fault kinds to schedule
 * @param outputDir where the history, configs, data and server logs go
 * @param unsafeTestFault a planted bug every server runs with ({@code unsafe-test-fault}, docs/kv-server.md); empty
 *     for none
 * @param checkBudget the linearizability checker's time budget
 * @param clientDeadline the deadline of every client request
 */
public record ChaosOptions(
        long seed,
        Duration faultPhase,
        int nodes,
        int clients,
        int keys,
        Set<FaultKind> kinds,
        NetworkMode network,
        Path outputDir,
        Optional<String> unsafeTestFault,
        Duration checkBudget,
        Duration clientDeadline) {
    public ChaosOptions {
        if (nodes < 3) {
            throw new IllegalArgumentException("a chaos run needs at least 3 nodes, not " + nodes);
        }
        if (clients < 1 || keys < 1) {
            throw new IllegalArgumentException("a chaos run needs at least one client and one key");
        }
        kinds = Set.copyOf(kinds);
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("a chaos run needs at least one fault kind");
        }
        Objects.requireNonNull(faultPhase, "faultPhase");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(outputDir, "outputDir");
        Objects.requireNonNull(unsafeTestFault, "unsafeTestFault");
        Objects.requireNonNull(checkBudget, "checkBudget");
        Objects.requireNonNull(clientDeadline, "clientDeadline");
    }
}
