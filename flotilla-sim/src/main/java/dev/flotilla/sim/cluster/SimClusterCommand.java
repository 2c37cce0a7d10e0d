package dev.flotilla.sim.cluster;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code flotilla sim cluster}: the whole-system simulation. Progress and a failure's trace go to stderr; the last
 * line of stdout is a JSON summary; the exit code is 1 on a violation.
 */
@Command(
        name = "cluster",
        mixinStandardHelpOptions = true,
        description = {
            "Simulate nodes of the real runtime and log engine, in one thread, on a seeded network and disks with",
            "crashes, torn writes, bit flips, full disks, partitions and leadership transfers; check the clients'",
            "history for linearizability, replicas for convergence and groups for progress after healing."
        })
public final class SimClusterCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--seeds", description = "Number of seeds (default: 20, or the bug's budget with --plant-bug).")
    Integer seeds;

    @Option(names = "--seed", description = "Run (replay) exactly this seed; with --seeds, the first seed.")
    Long seed;

    @Option(names = "--nodes", defaultValue = "3", description = "Nodes, 3..5 (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--groups", defaultValue = "3", description = "Raft groups (default: ${DEFAULT-VALUE}).")
    int groups;

    @Option(
            names = "--plant-bug",
            defaultValue = "none",
            description = "Plant a bug: lying-fsync, local-reads, ack-before-fsync.")
    String plantBug;

    @Option(
            names = "--history-out",
            description = "On a violation, write the failing seed's history (JSON lines) here.")
    Path historyOut;

    @Override
    public Integer call() {
        ClusterBug bug;
        try {
            bug = ClusterBug.ofCliName(plantBug);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (nodes < 3 || nodes > 5) {
            throw new ParameterException(spec.commandLine(), "--nodes must be in 3..5, was " + nodes);
        }
        if (groups < 1 || groups > 64) {
            throw new ParameterException(spec.commandLine(), "--groups must be in 1..64, was " + groups);
        }
        int count = seeds != null ? seeds : (seed != null ? 1 : (bug == ClusterBug.NONE ? 20 : bug.defaultSeeds()));
        long first = seed != null ? seed : 1;
        PrintWriter err = spec.commandLine().getErr();
        SimClusterRunner.Summary summary = SimClusterRunner.run(first, count, nodes, groups, bug, err);
        summary.failure().ifPresent(f -> {
            err.println("seed " + f.seed() + " violated: " + f.violation().orElseThrow());
            err.println("last events before it (replay with --seed " + f.seed() + " --nodes " + nodes + " --groups "
                    + groups + (bug == ClusterBug.NONE ? "" : " --plant-bug " + bug.cliName()) + "):");
            f.trace().forEach(line -> err.println("  " + line));
            if (historyOut != null) {
                try {
                    Files.writeString(historyOut, f.history());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                err.println("history written to " + historyOut);
            }
        });
        spec.commandLine().getOut().println(summary.toJson());
        spec.commandLine().getOut().flush();
        return summary.violations() == 0 ? 0 : 1;
    }
}
