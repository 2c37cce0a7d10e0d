package dev.flotilla.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code flotilla check ...}: checkers for recorded histories. */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = "Check a recorded history.",
        subcommands = {CheckLinearizableCommand.class, GenerateHistoryCommand.class})
final class CheckCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
