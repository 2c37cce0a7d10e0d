package dev.flotilla.bench.runtime;

import dev.flotilla.bench.DataDirectories;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code flotilla bench raft}: three Raft servers in one process, N groups, C closed-loop clients each with one
 * proposal outstanding, sent to the group's leader. Reports committed proposals per second and latency; the last line
 * is JSON. The servers are Flotilla's runtime ({@link FlotillaCluster}) or, as the peer to compare with, Apache Ratis
 * ({@link RatisCluster}); {@code --compare-ratis} runs both, alternately, and reports the ratio.
 */
@Command(
        name = "raft",
        mixinStandardHelpOptions = true,
        description = "Throughput and latency of committed proposals through the multi-raft runtime (3 nodes, one"
                + " process), or through Apache Ratis for comparison.")
public final class RaftBenchCommand implements Callable<Integer> {
    static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    static {
        // Ratis completes its futures with CompletableFuture's *Async methods and no executor. Where the common pool
        // has fewer than 2 threads (on 2 cores it has 1), those start a new thread per task, which cripples Ratis
        // with many groups. Give the pool 2 threads, as it has on 3 cores; this must happen before CompletableFuture
        // is initialized, so here, when picocli loads the command. Flotilla always passes its own executors.
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
            System.setProperty(COMMON_POOL_PARALLELISM, "2");
        }
    }
    /** The Raft implementations the benchmark can run; lower case because they are typed on the command line. */
    enum Implementation {
        flotilla,
        ratis
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--groups", defaultValue = "64", description = "Raft groups (default: ${DEFAULT-VALUE}).")
    int groups;

    @Option(names = "--clients", defaultValue = "256", description = "Closed-loop clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--entry-bytes", defaultValue = "256", description = "Command size (default: ${DEFAULT-VALUE}).")
    int entryBytes;

    @Option(names = "--seconds", defaultValue = "10", description = "Measured seconds (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
            names = "--dir",
            description = "Where each run's data goes, in a fresh subdirectory that is removed after the run"
                    + " (default: the temporary directory).")
    Optional<Path> dir;

    @Option(
            names = "--system",
            defaultValue = "flotilla",
            description = "Which Raft servers to measure: ${COMPLETION-CANDIDATES} (Apache Ratis 3.3.0, fsync on)"
                    + " (default: ${DEFAULT-VALUE}).")
    Implementation system;

    @Option(
            names = "--compare-ratis",
            description = "Measure Flotilla and Ratis alternately, --rounds times each, and report the medians and"
                    + " Flotilla's throughput as a multiple of Ratis's (ratio_to_ratis).")
    boolean compareRatis;

    @Option(
            names = "--rounds",
            defaultValue = "3",
            description = "Runs of each system with --compare-ratis (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--idle",
            description = "Measure the cost of idle Flotilla groups instead: no clients; CPU, heap per group and"
                    + " messages between nodes while the groups sit idle.")
    boolean idle;

    @Override
    public Integer call() throws Exception {
        if (groups < 1 || clients < 1 || entryBytes < 0 || seconds < 1 || rounds < 1) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--groups, --clients, --seconds and --rounds must be positive, --entry-bytes >= 0");
        }
        if (idle && (compareRatis || system != Implementation.flotilla)) {
            throw new ParameterException(spec.commandLine(), "--idle measures Flotilla only");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path root = Files.createTempDirectory(dir.orElse(Path.of(System.getProperty("java.io.tmpdir"))), "bench-raft");
        try {
            if (idle) {
                new IdleCost(groups, seconds).measure(root, out, err);
            } else if (compareRatis) {
                compare(root, out, err);
            } else {
                Throughput result = measure(system, root, err);
                out.printf(
                        "%s: %,.0f committed proposals/s, p50 %d us, p99 %d us, p999 %d us, %.2f CPU cores%n",
                        system,
                        result.committedPerSec(),
                        result.p50Us(),
                        result.p99Us(),
                        result.p999Us(),
                        result.cpuCores());
                out.println(json(system, result));
            }
            out.flush();
            return 0;
        } finally {
            DataDirectories.deleteRecursively(root);
        }
    }

    /** One run on fresh servers whose data goes in a new directory under {@code root}, deleted afterwards. */
    private Throughput measure(Implementation implementation, Path root, PrintWriter err)
            throws IOException, InterruptedException {
        Path data = Files.createTempDirectory(root, implementation.name());
        ClosedLoopClients load = new ClosedLoopClients(groups, clients, entryBytes);
        try (ClusterUnderTest cluster =
                switch (implementation) {
                    case flotilla -> FlotillaCluster.start(data, groups, err);
                    case ratis -> RatisCluster.start(data, groups, err);
                }) {
            return load.run(cluster, seconds, err);
        } finally {
            DataDirectories.deleteRecursively(data);
        }
    }

    /**
     * Both systems, {@code rounds} times each, alternating and swapping which goes first every round, so that the
     * load other processes put on a shared machine falls on both alike. Medians, because single runs are noisy.
     */
    private void compare(Path root, PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
        List<Throughput> flotilla = new ArrayList<>();
        List<Throughput> ratis = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            List<Implementation> order = round % 2 == 1
                    ? List.of(Implementation.flotilla, Implementation.ratis)
                    : List.of(Implementation.ratis, Implementation.flotilla);
            for (Implementation implementation : order) {
                err.printf("round %d/%d: %s%n", round, rounds, implementation);
                Throughput result = measure(implementation, root, err);
                (implementation == Implementation.flotilla ? flotilla : ratis).add(result);
                out.println(json(implementation, result));
                out.flush();
            }
        }
        double ratio = median(flotilla, Throughput::committedPerSec) / median(ratis, Throughput::committedPerSec);
        String roundRatios = IntStream.range(0, rounds)
                .mapToObj(i -> String.format(
                        Locale.ROOT,
                        "%.2f",
                        flotilla.get(i).committedPerSec() / ratis.get(i).committedPerSec()))
                .collect(Collectors.joining(", ", "[", "]"));
        out.printf(
                "medians of %d rounds: Flotilla %,.0f committed/s (p99 %,.0f us), Ratis %,.0f committed/s"
                        + " (p99 %,.0f us): %.2fx Ratis%n",
                rounds,
                median(flotilla, Throughput::committedPerSec),
                median(flotilla, t -> t.p99Us()),
                median(ratis, Throughput::committedPerSec),
                median(ratis, t -> t.p99Us()),
                ratio);
        out.println(String.format(
                Locale.ROOT,
                "{\"benchmark\": \"raft-vs-ratis\", \"nodes\": %d, \"groups\": %d, \"clients\": %d,"
                        + " \"entry_bytes\": %d, \"seconds\": %d, \"rounds\": %d,"
                        + " \"flotilla_committed_per_sec\": %.0f, \"flotilla_p50_us\": %.0f, \"flotilla_p99_us\": %.0f,"
                        + " \"ratis_committed_per_sec\": %.0f, \"ratis_p50_us\": %.0f, \"ratis_p99_us\": %.0f,"
                        + " \"ratio_to_ratis\": %.2f, \"round_ratios\": %s}",
                ClusterUnderTest.NODES,
                groups,
                clients,
                entryBytes,
                seconds,
                rounds,
                median(flotilla, Throughput::committedPerSec),
                median(flotilla, t -> t.p50Us()),
                median(flotilla, t -> t.p99Us()),
                median(ratis, Throughput::committedPerSec),
                median(ratis, t -> t.p50Us()),
                median(ratis, t -> t.p99Us()),
                ratio,
                roundRatios));
    }

    private static double median(List<Throughput> runs, ToDoubleFunction<Throughput> metric) {
        double[] values = runs.stream().mapToDouble(metric).sorted().toArray();
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private String json(Implementation implementation, Throughput result) {
        return String.format(
                Locale.ROOT,
                "{\"benchmark\": \"raft\", \"system\": \"%s\", \"nodes\": %d, \"groups\": %d, \"clients\": %d,"
                        + " \"entry_bytes\": %d, \"seconds\": %.1f, \"committed_per_sec\": %.0f, \"p50_us\": %d,"
                        + " \"p99_us\": %d, \"p999_us\": %d, \"cpu_cores\": %.2f}",
                implementation,
                ClusterUnderTest.NODES,
                groups,
                clients,
                entryBytes,
                result.seconds(),
                result.committedPerSec(),
                result.p50Us(),
                result.p99Us(),
                result.p999Us(),
                result.cpuCores());
    }
}
