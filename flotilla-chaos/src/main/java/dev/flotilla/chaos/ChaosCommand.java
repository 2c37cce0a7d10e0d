package dev.flotilla.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flotilla chaos}: a chaos run against real server processes. Exit codes: 0 passed, 1 a violation (not
 * linearizable, an acknowledged write lost, replicas differ, no recovery), 2 bad arguments or the run could not be set
 * up, 3 passed except that the linearizability check ran out of time ({@code unknown}).
 */
@Command(
        name = "chaos",
        mixinStandardHelpOptions = true,
        description = {
            "Runs real server processes under kill -9, SIGSTOP and network partitions while clients read, write and",
            "cas over the etcd API; then checks the history (linearizability), the final values (lost writes) and",
            "the replicas (HashKV). The last line is a JSON summary (docs/testing.md, \"Real-process chaos\")."
        })
public final class ChaosCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--seed", description = "seeds the fault schedule and the clients (default: random, printed)")
    Optional<Long> seed;

    @Option(names = "--seconds", description = "length of the fault phase in seconds (default ${DEFAULT-VALUE})")
    int seconds = 60;

    @Option(names = "--nodes", description = "server processes (default ${DEFAULT-VALUE})")
    int nodes = 5;

    @Option(names = "--clients", description = "client processes of the history (default ${DEFAULT-VALUE})")
    int clients = 10;

    @Option(names = "--keys", description = "keys the clients share (default ${DEFAULT-VALUE})")
    int keys = 8;

    @Option(
            names = "--faults",
            split = ",",
            description = "fault kinds: kill, pause, partition-majority, partition-bridge, partition-one-way,"
                    + " leader-isolation (default: all)")
    List<String> faults = List.of();

    @Option(
            names = "--network",
            description = "netns (namespaces, veths, iptables; root), proxy (in-process TCP proxies) or auto"
                    + " (default ${DEFAULT-VALUE})")
    String network = "auto";

    @Option(
            names = "--out",
            description =
                    "output directory, new or empty (default: flotilla-chaos-SEED-TIME in the temporary directory)")
    Optional<Path> out;

    @Option(names = "--keep", description = "keep the output directory when the run passes (always kept otherwise)")
    boolean keep;

    @Option(
            names = "--unsafe-test-fault",
            description = "plants a bug in every server (test only; e.g. stale-reads), to see the checkers fire")
    Optional<String> unsafeTestFault;

    @Option(
            names = "--check-timeout-seconds",
            description = "linearizability checker budget (default ${DEFAULT-VALUE})")
    int checkTimeoutSeconds = 120;

    @Override
    public Integer call() throws Exception {
        Set<FaultKind> kinds = EnumSet.allOf(FaultKind.class);
        if (!faults.isEmpty()) {
            kinds = EnumSet.noneOf(FaultKind.class);
            for (String name : faults) {
                Optional<FaultKind> kind = FaultKind.named(name.strip());
                if (kind.isEmpty()) {
                    return usage("unknown fault kind '" + name + "'");
                }
                kinds.add(kind.get());
            }
        }
        NetworkMode mode;
        try {
            mode = NetworkMode.valueOf(network.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return usage("--network must be netns, proxy or auto, not '" + network + "'");
        }
        if (mode == NetworkMode.NETNS && !NamespaceNetwork.available()) {
            return usage("--network netns needs root with 'ip netns' and 'iptables'; try --network proxy");
        }
        long runSeed = seed.orElseGet(() -> ThreadLocalRandom.current().nextLong());
        Path dir = out.orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"))
                .resolve("flotilla-chaos-" + runSeed + "-"
                        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
        ChaosOptions options;
        try {
            options = new ChaosOptions(
                    runSeed,
                    Duration.ofSeconds(seconds),
                    nodes,
                    clients,
                    keys,
                    kinds,
                    mode,
                    dir,
                    unsafeTestFault,
                    Duration.ofSeconds(checkTimeoutSeconds),
                    Duration.ofSeconds(2));
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        ChaosSummary summary;
        try {
            summary = new ChaosRun(options, spec.commandLine().getOut()).run();
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        if (summary.passed() && !keep) {
            deleteRecursively(dir);
        }
        spec.commandLine().getOut().println(summary.toJson());
        spec.commandLine().getOut().flush();
        if (!summary.passed()) {
            return 1;
        }
        return summary.linearizability().equals("unknown") ? 3 : 0;
    }

    private int usage(String problem) {
        spec.commandLine().getErr().println("flotilla chaos: " + problem);
        return 2;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
