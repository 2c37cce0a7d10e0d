package dev.flotilla.compat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PKI made with {@code /usr/bin/openssl} in a test's directory: a CA, a server certificate for
 * 127.0.0.1 (also the nodes' own client certificate when they forward calls), client certificates whose CNs are
 * user names, and a client certificate from another CA that no server trusts. Keys are EC P-256 in PKCS#8 PEM, which
 * both etcd (Go) and Flotilla (Netty) read.
 */
final class TestCertificates {
    final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Generates the CA, the server certificate and one client certificate per name in {@code clients}. */
    static TestCertificates create(Path dir, List<String> clients) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        TestCertificates certs = new TestCertificates(dir);
        certs.authority("ca");
        certs.authority("other-ca");
        Files.writeString(
                dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n", StandardCharsets.UTF_8);
        certs.leaf("server", "ca", "flotilla-test-server", true);
        for (String client : clients) {
            certs.leaf(client, "ca", client, false);
        }
        certs.leaf("stranger", "other-ca", "root", false);
        return certs;
    }

    Path ca() {
        return dir.resolve("ca.crt");
    }

    Path cert(String name) {
        return dir.resolve(name + ".crt");
    }

    Path key(String name) {
        return dir.resolve(name + ".key");
    }

    private void authority(String name) throws IOException, InterruptedException {
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name + ".key");
        openssl(
                "req",
                "-x509",
                "-new",
                "-key",
                name + ".key",
                "-subj",
                "/CN=" + name,
                "-days",
                "2",
                "-out",
                name + ".crt");
    }

    private void leaf(String name, String authority, String commonName, boolean server)
            throws IOException, InterruptedException {
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name + ".key");
        openssl("req", "-new", "-key", name + ".key", "-subj", "/CN=" + commonName, "-out", name + ".csr");
        List<String> sign = new ArrayList<>(List.of(
                "x509",
                "-req",
                "-in",
                name + ".csr",
                "-CA",
                authority + ".crt",
                "-CAkey",
                authority + ".key",
                "-set_serial",
                Long.toString(System.nanoTime()),
                "-days",
                "2",
                "-out",
                name + ".crt"));
        if (server) {
            sign.addAll(List.of("-extfile", "server.ext"));
        }
        openssl(sign.toArray(String[]::new));
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError("openssl " + String.join(" ", args) + " failed: " + output);
        }
    }
}
