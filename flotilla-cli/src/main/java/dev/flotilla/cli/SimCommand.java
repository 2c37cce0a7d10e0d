package dev.flotilla.cli;

import dev.flotilla.sim.cluster.SimClusterCommand;
import dev.flotilla.sim.raft.SimRaftCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code flotilla sim ...}: deterministic simulations of the real code. Each prints a JSON summary last. */
@Command(
        name = "sim",
        mixinStandardHelpOptions = true,
        description = "Run a deterministic simulation; the last line is a JSON summary.",
        subcommands = {SimRaftCommand.class, SimClusterCommand.class})
final class SimCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
