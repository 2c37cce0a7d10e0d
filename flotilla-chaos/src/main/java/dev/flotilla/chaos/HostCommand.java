package dev.flotilla.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command of the host ({@code ip}, {@code iptables}, {@code kill}) and returns what it printed. */
final class HostCommand {
    private static final long TIMEOUT_SECONDS = 30;

    private HostCommand() {}

    /** Runs {@code command}; fails with its output when it exits with anything but 0. */
    static String run(List<String> command) throws InterruptedException {
        Result result = tryRun(command);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + result.exitCode() + ": "
                    + result.output().strip());
        }
        return result.output();
    }

    /** Runs {@code command} and reports how it ended; a command that cannot start ends with exit code 127. */
    static Result tryRun(List<String> command) throws InterruptedException {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(124, output + " (timed out)");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            return new Result(127, e.getMessage());
        }
    }

    record Result(int exitCode, String output) {}
}
