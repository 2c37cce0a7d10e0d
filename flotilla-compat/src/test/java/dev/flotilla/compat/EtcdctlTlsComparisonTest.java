package dev.flotilla.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client TLS with client certificates: three Flotilla processes and three etcd 3.4 processes serve their client ports
 * over TLS with {@code client-cert-auth}, from certificates made by openssl for this run ({@link TestCertificates}).
 * One etcdctl session with {@code --cacert/--cert/--key} (puts and gets, member list with https URLs, lease
 * keep-alives through every node, so through the nodes' own TLS forwarding, then auth on with the certificate's CN
 * as the user) must print the same on both; a certificate from another CA and no certificate at all are refused by
 * both. {@code flotilla status} works against both with the same options, and refuses a stranger's certificate
 * (checked against Flotilla only: each run starts a JVM).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EtcdctlTlsComparisonTest {
    @TempDir
    static Path dir;

    /** A refused handshake shows as a timeout in etcdctl: wait less than the usual 10 s for it. */
    private static final String HANDSHAKE_WAIT = "--command-timeout=2s";

    TestCertificates certs;
    FlotillaCluster flotilla;
    Optional<EtcdCluster> etcd = Optional.empty();

    @BeforeAll
    void start() throws Exception {
        Etcdctl.requireInstalled();
        Assumptions.assumeTrue(EtcdCluster.binary().isPresent(), "no etcd to compare the TLS session with");
        certs = TestCertificates.create(dir.resolve("pki"), List.of("root", "alice"));
        // Started side by side: most of a start is waiting for JVMs and elections.
        CompletableFuture<Optional<EtcdCluster>> etcdStart = CompletableFuture.supplyAsync(() ->
                ServerCluster.unchecked(() -> EtcdCluster.startIfInstalled(dir.resolve("etcd"), Optional.of(certs))));
        try {
            flotilla = FlotillaCluster.start(dir.resolve("flotilla"), Optional.of(certs));
        } finally {
            etcd = etcdStart.join();
        }
    }

    @AfterAll
    void stop() {
        if (flotilla != null) {
            flotilla.close();
        }
        etcd.ifPresent(EtcdCluster::close);
    }

    @Test
    void flotillaAnswersATlsSessionAsEtcdDoes() throws Exception {
        List<String> expected = session(etcd.orElseThrow());
        List<String> actual = session(flotilla);
        System.out.println("flotilla's transcript:\n" + String.join("\n-----\n", actual));
        assertEquals(expected.size(), actual.size(), "steps");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), "step " + (i + 1));
        }
    }

    @Test
    void flotillasOwnCommandsSpeakTlsToBoth() throws Exception {
        for (ServerCluster cluster : List.of(flotilla, etcd.orElseThrow())) {
            boolean isFlotilla = cluster == flotilla; // each run starts a JVM: the rest against Flotilla only
            List<String> tls = List.of(
                    "--endpoints",
                    cluster.endpoints(),
                    "--cacert",
                    certs.ca().toString(),
                    "--cert",
                    certs.cert("root").toString(),
                    "--key",
                    certs.key("root").toString());
            CliResult status = flotillaCli("status", tls);
            assertEquals(0, status.exitCode(), cluster.kind() + ": " + status.output());
            assertTrue(status.output().contains("LEADER"), cluster.kind() + ": " + status.output());
            if (!isFlotilla) {
                continue;
            }
            List<String> stranger = new ArrayList<>(tls);
            stranger.set(5, certs.cert("stranger").toString());
            stranger.set(7, certs.key("stranger").toString());
            CliResult refused = flotillaCli("status", stranger);
            assertEquals(1, refused.exitCode(), cluster.kind() + ": " + refused.output());
        }
    }

    private static List<String> session(ServerCluster cluster) throws Exception {
        Etcdctl root = Etcdctl.withCertificate(cluster.endpoints(), cluster.tls.orElseThrow(), "root");
        Transcript t = new Transcript(cluster, "http://unused");
        t.add("put", out(root, "put", "greeting", "hello"));
        t.add("get", out(root, "get", "greeting"));
        t.addMemberList("member list", out(root, "member", "list"));
        String lease = out(root, "lease", "grant", "60").split(" ")[1];
        for (int node = 1; node <= ServerCluster.SIZE; node++) {
            Etcdctl one = Etcdctl.withCertificate(cluster.clientEndpoint(node), cluster.tls.get(), "root");
            t.add(
                    "keep-alive through node " + node,
                    out(one, "lease", "keep-alive", "--once", lease).replace(lease, "<lease>"));
        }
        TestCertificates certs = cluster.tls.get();
        t.add(
                "a certificate of another CA",
                err(
                        Etcdctl.withCertificate(cluster.endpoints(), certs, "stranger"),
                        HANDSHAKE_WAIT,
                        "get",
                        "greeting"));
        t.add(
                "no client certificate",
                err(Etcdctl.withoutCertificate(cluster.endpoints(), certs), HANDSHAKE_WAIT, "get", "greeting"));

        t.add("user add root", out(root, "user", "add", "root:rootpw"));
        t.add("grant root", out(root, "user", "grant-role", "root", "root"));
        t.add("role add app", out(root, "role", "add", "app"));
        t.add("role grant", out(root, "role", "grant-permission", "app", "--prefix", "readwrite", "app/"));
        t.add("user add alice", out(root, "user", "add", "alice:alicepw"));
        t.add("grant alice", out(root, "user", "grant-role", "alice", "app"));
        t.add("auth enable", out(root, "auth", "enable"));
        Etcdctl alice = Etcdctl.withCertificate(cluster.endpoints(), certs, "alice");
        t.add("put as alice's certificate", out(alice, "put", "app/a", "1"));
        t.add("get outside alice's role", err(alice, "get", "greeting"));
        t.add("get as root's certificate", out(root, "get", "greeting"));
        t.add("a password beats the certificate", out(alice, "--user=root:rootpw", "get", "greeting"));
        return t.steps();
    }

    private static String out(Etcdctl etcdctl, String... args) throws Exception {
        Etcdctl.Result result = etcdctl.run("", List.of(args));
        if (result.exitCode() != 0) {
            throw new AssertionError(
                    "etcdctl " + List.of(args) + " failed (" + result.exitCode() + "): " + result.err());
        }
        return result.out();
    }

    private static String err(Etcdctl etcdctl, String... args) throws Exception {
        Etcdctl.Result result = etcdctl.run("", List.of(args));
        return "exit " + result.exitCode() + ": " + result.errorLine() + result.out();
    }

    private record CliResult(int exitCode, String output) {}

    /** Runs {@code flotilla COMMAND ARGS} from the shaded jar. */
    private static CliResult flotillaCli(String command, List<String> args) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> line = new ArrayList<>(List.of(
                java,
                "-cp",
                System.getProperty("flotilla.jar", "../flotilla-cli/target/flotilla.jar"),
                "dev.flotilla.cli.Main",
                command));
        line.addAll(args);
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("flotilla " + command + " did not finish: " + output);
        }
        return new CliResult(process.exitValue(), output);
    }
}
