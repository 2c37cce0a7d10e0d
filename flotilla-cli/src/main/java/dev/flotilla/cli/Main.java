package dev.flotilla.cli;

import picocli.CommandLine;

/** Entry point of the {@code flotilla} command; {@code ./flotilla} at the repository root runs it. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code: 0 on success, 2 on a usage error. */
    static int run(String... args) {
        return new CommandLine(new FlotillaCommand()).execute(args);
    }
}
