package dev.flotilla.transport.netty;

import dev.flotilla.transport.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test certificates made with the JDK's {@code keytool} (nothing else needed): a cluster CA and a node certificate it
 * signed; a self-signed node certificate; and a forged one, signed by an impostor CA that has the real CA's name but
 * another key. Private keys are written as PKCS#8 PEM.
 */
final class TestCertificates {
    private static final String PASSWORD = "test-only";
    private static final String CA_NAME = "CN=flotilla test CA";
    private static final String NODE_NAME = "CN=flotilla node";

    final TlsConfig member;
    final TlsConfig selfSigned;
    final TlsConfig forged;

    private TestCertificates(TlsConfig member, TlsConfig selfSigned, TlsConfig forged) {
        this.member = member;
        this.selfSigned = selfSigned;
        this.forged = forged;
    }

    static TestCertificates create(Path dir) throws IOException, GeneralSecurityException, InterruptedException {
        Keytool keytool = new Keytool(dir);
        keytool.runAll(
                keyPair("ca", CA_NAME, "-ext", "bc:c"),
                keyPair("impostor", CA_NAME, "-ext", "bc:c"),
                keyPair("member", NODE_NAME),
                keyPair("self-signed", NODE_NAME),
                keyPair("forged", NODE_NAME));
        keytool.runAll(
                new String[] {"-exportcert", "-rfc", "-keystore", "ca.p12", "-file", "ca.pem"},
                new String[] {"-exportcert", "-rfc", "-keystore", "self-signed.p12", "-file", "self-signed.pem"},
                new String[] {"-certreq", "-keystore", "member.p12", "-file", "member.csr"},
                new String[] {"-certreq", "-keystore", "forged.p12", "-file", "forged.csr"});
        keytool.runAll(signed("member", "ca"), signed("forged", "impostor"));

        Path caPem = dir.resolve("ca.pem");
        return new TestCertificates(
                new TlsConfig(caPem, dir.resolve("member.pem"), writeKey(dir, "member")),
                new TlsConfig(caPem, dir.resolve("self-signed.pem"), writeKey(dir, "self-signed")),
                new TlsConfig(caPem, dir.resolve("forged.pem"), writeKey(dir, "forged")));
    }

    private static String[] keyPair(String name, String distinguishedName, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "-genkeypair",
                "-keystore",
                name + ".p12",
                "-dname",
                distinguishedName,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private static String[] signed(String name, String issuer) {
        return new String[] {
            "-gencert",
            "-rfc",
            "-keystore",
            issuer + ".p12",
            "-infile",
            name + ".csr",
            "-outfile",
            name + ".pem",
            "-validity",
            "2",
            "-ext",
            "eku=serverAuth,clientAuth"
        };
    }

    private static Path writeKey(Path dir, String name) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(name + ".p12"))) {
            store.load(in, PASSWORD.toCharArray());
        }
        PrivateKey key = (PrivateKey) store.getKey(Keytool.ALIAS, PASSWORD.toCharArray());
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded());
        Path pem = dir.resolve(name + ".key");
        Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n");
        return pem;
    }

    /** Runs keytool commands in {@code dir}, each key store holding one key under {@link #ALIAS}. */
    private record Keytool(Path dir) {
        static final String ALIAS = "key";

        /** Runs the commands in parallel and waits for all of them. */
        void runAll(String[]... commands) throws IOException, InterruptedException {
            List<Process> processes = new ArrayList<>();
            for (String[] args : commands) {
                List<String> command = new ArrayList<>();
                command.add(Path.of(System.getProperty("java.home"), "bin", "keytool")
                        .toString());
                command.addAll(List.of(args));
                command.addAll(List.of(
                        "-alias",
                        ALIAS,
                        "-storetype",
                        "PKCS12",
                        "-storepass",
                        PASSWORD,
                        "-keypass",
                        PASSWORD,
                        "-noprompt"));
                processes.add(new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .start());
            }
            for (int i = 0; i < processes.size(); i++) {
                Process process = processes.get(i);
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    throw new IOException("keytool " + String.join(" ", commands[i]) + " failed: " + output);
                }
            }
        }
    }
}
