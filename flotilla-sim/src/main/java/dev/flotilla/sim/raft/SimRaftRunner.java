package dev.flotilla.sim.raft;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

/**
 * Runs many seeds of {@link RaftSimulation} and summarises them: the engine behind {@code flotilla sim raft} and the
 * simulator tests. Stops at the first violation.
 */
public final class SimRaftRunner {
    /** What a run of many seeds found. {@code failure} is the first failing seed's result, if any. */
    public record Summary(
            int seeds, int nodes, PlantedBug bug, long events, long elapsedNanos, Optional<Failure> failure) {
        public int violations() {
            return failure.isPresent() ? 1 : 0;
        }

        public double seedsPerMinute() {
            return seeds * 60e9 / Math.max(1, elapsedNanos);
        }

        public double eventsPerSecond() {
            return events * 1e9 / Math.max(1, elapsedNanos);
        }

        /** The one-line JSON summary printed last by the CLI. */
        public String toJson() {
            StringBuilder sb = new StringBuilder("{\"sim\":\"raft\"");
            sb.append(",\"seeds\":").append(seeds);
            sb.append(",\"nodes\":").append(nodes);
            sb.append(",\"plantedBug\":\"").append(bug.cliName()).append('"');
            sb.append(",\"events\":").append(events);
            sb.append(",\"violations\":").append(violations());
            sb.append(",\"elapsedSeconds\":").append(String.format("%.2f", elapsedNanos / 1e9));
            sb.append(",\"seedsPerMinute\":").append(Math.round(seedsPerMinute()));
            sb.append(",\"eventsPerSecond\":").append(Math.round(eventsPerSecond()));
            failure.ifPresent(f -> {
                sb.append(",\"failingSeed\":").append(f.seed());
                sb.append(",\"violation\":\"").append(jsonEscape(f.violation())).append('"');
            });
            return sb.append('}').toString();
        }
    }

    /** The first violation: its seed, what was violated and the events just before it. */
    public record Failure(long seed, String violation, List<String> trace) {}

    private SimRaftRunner() {}

    /** Runs seeds {@code firstSeed .. firstSeed + seeds - 1}; progress goes to {@code progress}. */
    public static Summary run(long firstSeed, int seeds, int nodes, PlantedBug bug, PrintWriter progress) {
        long start = System.nanoTime();
        long events = 0;
        long lastReport = start;
        for (int i = 0; i < seeds; i++) {
            long seed = firstSeed + i;
            RaftSimulation.Result r = RaftSimulation.run(seed, nodes, bug);
            events += r.events();
            if (r.violation().isPresent()) {
                progress.printf("seed %d: VIOLATION %s%n", seed, r.violation().get());
                return new Summary(
                        i + 1,
                        nodes,
                        bug,
                        events,
                        System.nanoTime() - start,
                        Optional.of(new Failure(seed, r.violation().get(), r.trace())));
            }
            long now = System.nanoTime();
            if (now - lastReport > 2_000_000_000L || i + 1 == seeds) {
                lastReport = now;
                progress.printf("sim raft: %d/%d seeds, %d events, 0 violations%n", i + 1, seeds, events);
                progress.flush();
            }
        }
        return new Summary(seeds, nodes, bug, events, System.nanoTime() - start, Optional.empty());
    }

    private static String jsonEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
