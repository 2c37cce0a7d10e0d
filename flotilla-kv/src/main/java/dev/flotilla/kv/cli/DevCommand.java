package dev.flotilla.kv.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flotilla dev}: a local 3-node cluster in 3 processes, until Ctrl-C. */
@Command(
        name = "dev",
        mixinStandardHelpOptions = true,
        description = {
            "Starts a local 3-node Flotilla cluster (3 processes) with its data under ./data, and runs until Ctrl-C.",
            "Clients connect to 127.0.0.1:2379, 127.0.0.1:22379 and 127.0.0.1:32379. A second run reuses the data."
        })
public final class DevCommand implements Callable<Integer> {
    @Option(
            names = "--data-dir",
            defaultValue = "data",
            description = "root of the nodes' data (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(
            names = "--server-jvm-option",
            description = "JVM option for each server process (repeatable), e.g. --server-jvm-option=-Xmx512m")
    List<String> serverJvmOptions = List.of("-Xmx512m");

    @Option(
            names = "--ranges",
            defaultValue = "1",
            description = "ranges (Raft groups) the key space is cut into on the first run, at evenly spaced printable"
                    + " characters (default: ${DEFAULT-VALUE}); later runs keep the first run's layout")
    int ranges;

    @Override
    public Integer call() throws Exception {
        if (ranges < 1 || ranges > 94) {
            System.err.println("flotilla dev: --ranges must be between 1 and 94, was " + ranges);
            return 2;
        }
        DevCluster cluster =
                new DevCluster(dataDir, DevCluster.CLIENT_PORTS, DevCluster.PEER_PORTS, evenSplitKeys(ranges));
        AtomicBoolean stopping = new AtomicBoolean();
        Thread shutdown = new Thread(
                () -> {
                    stopping.set(true);
                    System.out.println("\nflotilla dev: stopping the cluster ...");
                    cluster.close();
                    System.out.println("flotilla dev: stopped; the data stays in " + dataDir.toAbsolutePath());
                },
                "flotilla-dev-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        System.out.println("flotilla dev: starting 3 nodes, data in " + dataDir.toAbsolutePath());
        cluster.start(serverJvmOptions);
        Optional<String> problem = cluster.awaitLeader(Duration.ofSeconds(60));
        if (problem.isPresent()) {
            System.err.println("flotilla dev: the cluster did not come up: " + problem.get());
            return 1;
        }
        printWelcome(cluster);
        int exited = cluster.awaitAnyExit();
        if (!stopping.get()) {
            System.err.println(
                    "flotilla dev: node " + exited + " stopped unexpectedly; see " + cluster.logFile(exited));
            return 1;
        }
        return 0;
    }

    /** One-character split keys spread evenly over the printable ASCII characters '!' to '~'. */
    static List<String> evenSplitKeys(int ranges) {
        List<String> keys = new ArrayList<>();
        for (int i = 1; i < ranges; i++) {
            keys.add(String.valueOf((char) ('!' + i * ('~' - '!' + 1) / ranges)));
        }
        return keys;
    }

    private static void printWelcome(DevCluster cluster) {
        System.out.println("flotilla dev: the cluster is up.");
        for (int node = 1; node <= 3; node++) {
            System.out.println(
                    "  node " + node + ": client " + cluster.clientEndpoint(node) + ", log " + cluster.logFile(node));
        }
        System.out.println("Try it with etcdctl (ETCDCTL_API=3):");
        System.out.println("  etcdctl --endpoints=" + cluster.endpoints() + " put greeting hello");
        System.out.println("  etcdctl --endpoints=" + cluster.clientEndpoint(1) + " get greeting");
        System.out.println("  etcdctl --endpoints=" + cluster.endpoints() + " endpoint status -w table");
        System.out.println("Ctrl-C stops the cluster; the next run reuses the data.");
    }
}
