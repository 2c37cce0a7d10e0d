package dev.flotilla.cli;

import dev.flotilla.chaos.ChaosCommand;
import dev.flotilla.kv.cli.DevCommand;
import dev.flotilla.kv.cli.MemberCommand;
import dev.flotilla.kv.cli.RangeCommand;
import dev.flotilla.kv.cli.ServerCommand;
import dev.flotilla.kv.cli.StatusCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
        name = "flotilla",
        mixinStandardHelpOptions = true,
        versionProvider = FlotillaCommand.BuildVersion.class,
        description = "Flotilla: a multi-Raft engine and the replicated key-value store built on it.",
        subcommands = {
            DevCommand.class,
            ServerCommand.class,
            MemberCommand.class,
            RangeCommand.class,
            StatusCommand.class,
            SimCommand.class,
            BenchCommand.class,
            CheckCommand.class,
            ChaosCommand.class
        })
public final class FlotillaCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reads the version that the build wrote into {@code flotilla-version.properties}. */
    static final class BuildVersion implements IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties properties = new Properties();
            try (InputStream in = FlotillaCommand.class.getResourceAsStream("/flotilla-version.properties")) {
                if (in == null) {
                    throw new IllegalStateException("flotilla-version.properties is missing from the build");
                }
                properties.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new String[] {
                "flotilla " + properties.getProperty("version"),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
            };
        }
    }
}
