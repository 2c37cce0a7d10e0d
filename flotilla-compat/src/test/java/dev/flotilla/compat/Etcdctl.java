package dev.flotilla.compat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** The real etcdctl (API v3) run as a process against one cluster's endpoints. */
final class Etcdctl {
    record Result(int exitCode, String out, String err) {
        /** The line etcdctl prints for a failed command ("Error: ..."), without its JSON log lines. */
        String errorLine() {
            return err.lines()
                    .filter(line -> line.startsWith("Error:"))
                    .findFirst()
                    .orElse("");
        }
    }

    private final String endpoints;
    private final List<String> options;

    Etcdctl(String endpoints) {
        this(endpoints, List.of());
    }

    private Etcdctl(String endpoints, List<String> options) {
        this.endpoints = endpoints;
        this.options = List.copyOf(options);
    }

    /** Over TLS, trusting the certificates' CA and presenting the client certificate {@code name}. */
    static Etcdctl withCertificate(String endpoints, TestCertificates certs, String name) {
        return new Etcdctl(
                endpoints, List.of("--cacert=" + certs.ca(), "--cert=" + certs.cert(name), "--key=" + certs.key(name)));
    }

    /** Over TLS, trusting the certificates' CA, without a client certificate. */
    static Etcdctl withoutCertificate(String endpoints, TestCertificates certs) {
        return new Etcdctl(endpoints, List.of("--cacert=" + certs.ca()));
    }

    /** Skips the caller when etcdctl is missing, except in CI (CI=true), where .ci/run installs it. */
    static void requireInstalled() throws IOException, InterruptedException {
        boolean installed =
                new ProcessBuilder("sh", "-c", "command -v etcdctl").start().waitFor() == 0;
        if (!installed && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("etcdctl is missing, but CI=true: .ci/run must install etcd-client");
        }
        Assumptions.assumeTrue(installed, "etcdctl not found (apt-get install etcd-client): etcdctl tests skipped");
    }

    Result run(String stdin, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("etcdctl", "--endpoints=" + endpoints, "--command-timeout=10s"));
        command.addAll(options);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("ETCDCTL_API", "3");
        Process process = builder.start();
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("etcdctl " + String.join(" ", args) + " did not finish within 30 s");
        }
        return new Result(
                process.exitValue(),
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip(),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip());
    }
}
