package dev.flotilla.kv.cli;

import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What the subcommands of {@code flotilla member} and {@code flotilla range} share: endpoints, output, and turning
 * failures into exit codes (0 done, 1 refused or unreachable, 2 bad arguments) and messages naming the command.
 */
abstract class ClientSubcommand implements Callable<Integer> {
    @Mixin
    EndpointOptions endpoints;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        String name = "flotilla " + spec.parent().name() + " " + spec.name();
        try {
            run(spec.commandLine().getOut());
            return 0;
        } catch (EndpointOptions.UnreachableException e) {
            spec.commandLine().getErr().println(name + ": " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println(name + ": " + e.getMessage());
            return 2;
        } catch (StatusRuntimeException e) {
            spec.commandLine()
                    .getErr()
                    .println(name + ": the cluster refused: " + e.getStatus().getCode() + " "
                            + e.getStatus().getDescription());
            return 1;
        }
    }

    abstract void run(PrintWriter out) throws EndpointOptions.UnreachableException;
}
