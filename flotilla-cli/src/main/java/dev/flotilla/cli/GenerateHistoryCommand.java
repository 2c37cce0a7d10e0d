package dev.flotilla.cli;

import dev.flotilla.check.HistoryGenerator;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flotilla check generate-history}: a linearizable history from a simulated store, for trying the checker. */
@Command(
        name = "generate-history",
        mixinStandardHelpOptions = true,
        description =
                "Print a linearizable history (JSON lines) of a simulated register store; same seed, same history.")
final class GenerateHistoryCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--ops", defaultValue = "100000", description = "Operations (default: ${DEFAULT-VALUE}).")
    int operations;

    @Option(names = "--keys", defaultValue = "100", description = "Keys (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--processes", defaultValue = "50", description = "Client processes (default: ${DEFAULT-VALUE}).")
    int processes;

    @Option(
            names = "--info-rate",
            defaultValue = "0.05",
            description = "Share of writes and cas whose outcome is unknown (default: ${DEFAULT-VALUE}).")
    double infoRate;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        HistoryGenerator.generate(seed, operations, keys, processes, infoRate).forEach(out::println);
        out.flush();
    }
}
