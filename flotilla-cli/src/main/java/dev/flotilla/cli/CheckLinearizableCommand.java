package dev.flotilla.cli;

import dev.flotilla.check.History;
import dev.flotilla.check.HistoryReader;
import dev.flotilla.check.LinearizabilityChecker;
import dev.flotilla.check.MalformedHistoryException;
import dev.flotilla.check.Operation;
import dev.flotilla.check.Verdict;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flotilla check linearizable HISTORY}: exit 0 linearizable, 1 not linearizable, 2 malformed input, 3 unknown
 * (the time budget ran out).
 */
@Command(
        name = "linearizable",
        mixinStandardHelpOptions = true,
        description = {
            "Check that a history of read/write/cas operations (JSON lines, see docs/linearizability.md) is linearizable.",
            "Exit codes: 0 linearizable, 1 not linearizable, 2 malformed input, 3 unknown (time budget ran out)."
        })
final class CheckLinearizableCommand implements Callable<Integer> {
    static final int NOT_LINEARIZABLE = 1;
    static final int MALFORMED = 2;
    static final int UNKNOWN = 3;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "HISTORY", description = "History file in JSON lines; '-' reads standard input.")
    String history;

    @Option(
            names = "--timeout",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description = "Time budget, e.g. 10s or 500ms (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        History parsed;
        try (BufferedReader in = history.equals("-")
                ? new BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(history), StandardCharsets.UTF_8)) {
            parsed = HistoryReader.read(in);
        } catch (MalformedHistoryException e) {
            err.println("malformed history: " + history + ": " + e.getMessage());
            return MALFORMED;
        }
        Verdict verdict = new LinearizabilityChecker(timeout).check(parsed);
        long millis = (System.nanoTime() - start) / 1_000_000;
        int exit;
        if (verdict instanceof Verdict.Linearizable ok) {
            out.println("linearizable");
            out.printf(
                    "%d operations over %d keys (%d failed or indeterminate reads ignored)%n",
                    ok.operations(), ok.keys(), parsed.dropped());
            exit = 0;
        } else if (verdict instanceof Verdict.NotLinearizable bad) {
            out.println("not linearizable");
            out.println("key: " + bad.key());
            out.println(bad.explanation() + ":");
            for (Operation op : bad.window()) {
                out.println("  " + op.describe());
            }
            exit = NOT_LINEARIZABLE;
        } else {
            Verdict.Unknown unknown = (Verdict.Unknown) verdict;
            out.println("unknown");
            out.println(unknown.reason() + "; " + unknown.keysChecked() + " keys were linearizable until then");
            exit = UNKNOWN;
        }
        out.printf("checked in %d ms%n", millis);
        return exit;
    }
}
