package dev.flotilla.chaos;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a chaos run found. {@link #toJson} is the last line the command prints.
 *
 * @param linearizability {@code linearizable}, {@code not linearizable} or {@code unknown} (the checker's budget ran
 *     out)
 * @param problems every violation in words (empty when the run passed; an unknown verdict is not a violation)
 * @param recovered whether writes and reads succeeded again within the bound after everything was healed
 * @param lostWrites acknowledged writes gone from the final state ({@link LostWrites})
 * @param unexpectedExits server processes that ended without being killed by the run
 */
public record ChaosSummary(
        long seed,
        String network,
        int nodes,
        int clients,
        int keys,
        long ok,
        long fail,
        long info,
        Map<FaultKind, Integer> faults,
        String linearizability,
        List<String> lostWrites,
        boolean checksumsEqual,
        int unexpectedExits,
        boolean recovered,
        long recoveryMillis,
        double durationSeconds,
        Path outputDir,
        List<String> problems) {
    public ChaosSummary {
        faults = Map.copyOf(faults);
        lostWrites = List.copyOf(lostWrites);
        problems = List.copyOf(problems);
    }

    public boolean passed() {
        return problems.isEmpty();
    }

    public String toJson() {
        String faultCounts = faults.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> "\"" + e.getKey().label() + "\":" + e.getValue())
                .collect(Collectors.joining(","));
        return "{\"seed\":" + seed + ",\"network\":\"" + network + "\",\"nodes\":" + nodes + ",\"clients\":" + clients
                + ",\"keys\":" + keys + ",\"ops\":{\"ok\":" + ok + ",\"fail\":" + fail + ",\"info\":" + info
                + "},\"faults\":{" + faultCounts + "},\"linearizable\":\"" + linearizability
                + "\",\"acknowledged_writes_lost\":" + lostWrites.size() + ",\"replica_checksums_equal\":"
                + checksumsEqual + ",\"unexpected_exits\":" + unexpectedExits + ",\"recovered\":" + recovered
                + ",\"recovery_ms\":" + recoveryMillis
                + ",\"duration_s\":" + String.format(Locale.ROOT, "%.1f", durationSeconds) + ",\"passed\":" + passed()
                + ",\"output_dir\":\""
                + outputDir.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"")
                + "\"}";
    }
}
