package dev.flotilla.sim.cluster;

import java.io.PrintWriter;
import java.util.Optional;

/**
 * Runs many seeds of {@link ClusterSimulation} and summarises them: the engine behind {@code flotilla sim cluster} and
 * its tests. Stops at the first violation.
 */
public final class SimClusterRunner {
    /** What a run of many seeds found; {@code failure} is the failing seed's result, if any. */
    public record Summary(
            int seeds,
            int nodes,
            int groups,
            ClusterBug bug,
            long events,
            long operations,
            long elapsedNanos,
            Optional<ClusterSimulation.Result> failure) {
        public int violations() {
            return failure.isPresent() ? 1 : 0;
        }

        public double seedsPerMinute() {
            return seeds * 60e9 / Math.max(1, elapsedNanos);
        }

        /** The one-line JSON summary printed last by the CLI. */
        public String toJson() {
            StringBuilder sb = new StringBuilder("{\"sim\":\"cluster\"");
            sb.append(",\"seeds\":").append(seeds);
            sb.append(",\"nodes\":").append(nodes);
            sb.append(",\"groups\":").append(groups);
            sb.append(",\"plantedBug\":\"").append(bug.cliName()).append('"');
            sb.append(",\"events\":").append(events);
            sb.append(",\"operations\":").append(operations);
            sb.append(",\"violations\":").append(violations());
            sb.append(",\"elapsedSeconds\":").append(String.format("%.2f", elapsedNanos / 1e9));
            sb.append(",\"seedsPerMinute\":").append(String.format("%.1f", seedsPerMinute()));
            failure.ifPresent(f -> {
                sb.append(",\"failingSeed\":").append(f.seed());
                sb.append(",\"violation\":\"")
                        .append(jsonEscape(f.violation().orElseThrow()))
                        .append('"');
            });
            return sb.append('}').toString();
        }
    }

    private SimClusterRunner() {}

    /** Runs seeds {@code firstSeed .. firstSeed + seeds - 1}; progress goes to {@code progress}. */
    public static Summary run(long firstSeed, int seeds, int nodes, int groups, ClusterBug bug, PrintWriter progress) {
        long start = System.nanoTime();
        long events = 0;
        long operations = 0;
        for (int i = 0; i < seeds; i++) {
            long seed = firstSeed + i;
            ClusterSimulation.Result r = ClusterSimulation.run(seed, nodes, groups, bug);
            events += r.events();
            operations += r.operations();
            progress.printf(
                    "seed %d: %d events, %d operations, %s, trace %016x%s%n",
                    seed,
                    r.events(),
                    r.operations(),
                    r.faults(),
                    r.traceHash(),
                    r.violation().map(v -> ": VIOLATION").orElse(""));
            progress.flush();
            if (r.violation().isPresent()) {
                return new Summary(
                        i + 1, nodes, groups, bug, events, operations, System.nanoTime() - start, Optional.of(r));
            }
        }
        return new Summary(seeds, nodes, groups, bug, events, operations, System.nanoTime() - start, Optional.empty());
    }

    private static String jsonEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
