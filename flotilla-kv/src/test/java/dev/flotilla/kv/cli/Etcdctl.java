package dev.flotilla.kv.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

    Result runWithInput(String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("etcdctl", "--endpoints=" + endpoints, "--command-timeout=10s"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
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
