package dev.flotilla.sim.raft;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code flotilla sim raft}: the deterministic Raft simulator. Progress and any failure trace go to stderr; the last
 * line of stdout is a JSON summary; the exit code is 1 on a violation.
 */
@Command(
        name = "raft",
        mixinStandardHelpOptions = true,
        description = {
            "Simulate a Raft group of real replicas under a seeded lossy network, partitions, crashes and restarts;",
            "check the Raft safety properties after every step and liveness after healing."
        })
public final class SimRaftCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--seeds",
            description = "Number of seeds to run (default: 100, or the bug's budget with" + " --plant-bug).")
    Integer seeds;

    @Option(names = "--nodes", defaultValue = "5", description = "Voters in the group (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--seed", description = "Run (replay) exactly this seed; with --seeds, the first seed.")
    Long seed;

    @Option(
            names = "--plant-bug",
            defaultValue = "none",
            description = "Plant a bug in the environment: forget-vote, stale-append, ack-before-durable.")
    String plantBug;

    @Override
    public Integer call() {
        PlantedBug bug;
        try {
            bug = PlantedBug.ofCliName(plantBug);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (nodes < 1 || nodes > 9) {
            throw new ParameterException(spec.commandLine(), "--nodes must be in 1..9, was " + nodes);
        }
        int count = seeds != null ? seeds : (seed != null ? 1 : (bug == PlantedBug.NONE ? 100 : bug.defaultSeeds()));
        long first = seed != null ? seed : 1;
        PrintWriter err = spec.commandLine().getErr();
        SimRaftRunner.Summary summary = SimRaftRunner.run(first, count, nodes, bug, err);
        summary.failure().ifPresent(f -> {
            err.println("seed " + f.seed() + " violated: " + f.violation());
            err.println("last events before it (replay with --seed " + f.seed() + " --nodes " + nodes
                    + (bug == PlantedBug.NONE ? "" : " --plant-bug " + bug.cliName()) + "):");
            f.trace().forEach(line -> err.println("  " + line));
        });
        spec.commandLine().getOut().println(summary.toJson());
        spec.commandLine().getOut().flush();
        return summary.violations() == 0 ? 0 : 1;
    }
}
