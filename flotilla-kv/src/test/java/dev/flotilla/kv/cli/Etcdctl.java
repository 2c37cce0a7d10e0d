package dev.flotilla.kv.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs the real etcdctl (v3 API) against given endpoints. */
final class Etcdctl {
    record Result(int exitCode, String out, String err) {
        Result expectSuccess() {
            if (exitCode != 0) {
                throw new AssertionError("etcdctl failed (" + exitCode + "): " + err + out);
            }
            return this;
        }

        List<String> lines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }
    }

    private final String endpoints;

    Etcdctl(String endpoints) {
        this.endpoints = endpoints;
    }

    /**
     * Skips the calling test when etcdctl is not installed, except in CI (CI=true), where .ci/run installs it and
     * its absence is a failure.
     */
    private List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of("etcdctl", "--endpoints=" + endpoints, "--command-timeout=10s"));
        command.addAll(List.of(args));
        return command;
    }

    static void requireInstalled() throws IOException, InterruptedException {
        boolean installed = new ProcessBuilder("sh", "-c", "command -v etcdctl")
                        .redirectErrorStream(true)
                        .start()
                        .waitFor()
                == 0;
        if (!installed && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("etcdctl is not installed, but CI=true: .ci/run must install etcd-client");
        }
        Assumptions.assumeTrue(
                installed, "etcdctl not found: install it (apt-get install etcd-client) to run the etcdctl tests");
    }

    Result run(String... args) throws IOException, InterruptedException {
        return runWithInput("", args);
    }

    /** Starts a long-running etcdctl command (watch, lock, elect, keep-alive) whose output the test follows. */
    Background start(String... args) throws IOException {
        return new Background(command(args));
    }

    /** A running etcdctl: its output lines as they come, and a way to stop it as a user's Ctrl-C would. */
    static final class Background implements AutoCloseable {
        private final Process process;
        private final List<String> lines = new ArrayList<>();

        Background(List<String> command) throws IOException {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("ETCDCTL_API", "3");
            process = builder.start();
            Thread reader = new Thread(this::readLines, "etcdctl-output");
            reader.setDaemon(true);
            reader.start();
        }

        private void readLines() {
            try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        /** Waits until the output has at least {@code count} lines; returns all lines so far. */
        List<String> awaitLines(int count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (lines) {
                while (lines.size() < count) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("etcdctl printed " + lines + ", expected " + count + " lines");
                    }
                    TimeUnit.NANOSECONDS.timedWait(lines, left);
                }
                return List.copyOf(lines);
            }
        }

        List<String> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        boolean isAlive() {
            return process.isAlive();
        }

        /** Waits for the process to end by itself. */
        boolean awaitExit(Duration timeout) throws InterruptedException {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** SIGTERM, as Ctrl-C would: etcdctl releases its lock or election and revokes its lease. */
        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    Result runWithInput(String stdin, String... args) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command(args));
        builder.environment().put("ETCDCTL_API", "3");
        Process process = builder.start();
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("etcdctl " + String.join(" ", args) + " did not finish in 30 s");
        }
        return new Result(
                process.exitValue(),
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip(),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip());
    }
}
