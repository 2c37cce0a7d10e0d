package dev.flotilla.cli;

import dev.flotilla.bench.catchup.CatchupBenchCommand;
import dev.flotilla.bench.kv.KvBenchCommand;
import dev.flotilla.bench.log.LogBenchCommand;
import dev.flotilla.bench.log.LogRecoveryBenchCommand;
import dev.flotilla.bench.runtime.RaftBenchCommand;
import dev.flotilla.bench.snapshot.SnapshotBenchCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code flotilla bench ...}: benchmarks. Each prints a JSON summary as its last line. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Run a benchmark; the last line is a JSON summary.",
        subcommands = {
            JmhCommand.class,
            LogBenchCommand.class,
            LogRecoveryBenchCommand.class,
            RaftBenchCommand.class,
            KvBenchCommand.class,
            SnapshotBenchCommand.class,
            CatchupBenchCommand.class
        })
final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
