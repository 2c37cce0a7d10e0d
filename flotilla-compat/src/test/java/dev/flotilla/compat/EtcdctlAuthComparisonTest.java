package dev.flotilla.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One etcdctl 3.4 auth session (users, roles, prefix permissions, auth enable, allowed and denied reads and writes,
 * a wrong password, no user at all, auth disable) against three Flotilla processes and three etcd 3.4 processes; the
 * transcripts must be equal once addresses and ids are hidden ({@link Transcript}). While auth is on, jetcd logs in
 * with a user and password and does one permitted and one denied operation, on both. Needs a live etcd (CI installs
 * it); skipped without one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EtcdctlAuthComparisonTest {
    @TempDir
    static Path dir;

    FlotillaCluster flotilla;
    Optional<EtcdCluster> etcd = Optional.empty();

    @BeforeAll
    void start() throws Exception {
        Etcdctl.requireInstalled();
        Assumptions.assumeTrue(EtcdCluster.binary().isPresent(), "no etcd to compare the auth session with");
        // Started side by side: most of a start is waiting for JVMs and elections.
        CompletableFuture<Optional<EtcdCluster>> etcdStart = CompletableFuture.supplyAsync(
                () -> ServerCluster.unchecked(() -> EtcdCluster.startIfInstalled(dir.resolve("etcd"))));
        try {
            flotilla = FlotillaCluster.start(dir.resolve("flotilla"));
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
    void flotillaAnswersAnAuthSessionAsEtcdDoes() throws Exception {
        List<String> expected = session(etcd.orElseThrow());
        List<String> actual = session(flotilla);
        System.out.println("flotilla's transcript:\n" + String.join("\n-----\n", actual));
        assertEquals(expected.size(), actual.size(), "steps");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), "step " + (i + 1));
        }
    }

    private static List<String> session(ServerCluster cluster) throws Exception {
        Etcdctl all = new Etcdctl(cluster.endpoints());
        Etcdctl follower = new Etcdctl(cluster.clientEndpoint(3));
        Transcript t = new Transcript(cluster, "http://unused");
        List<String> root = List.of("--user=root:rootpw");
        List<String> alice = List.of("--user=alice:alicepw");

        long started = System.nanoTime();
        t.add("put before auth", out(all, List.of(), "put", "secret", "s"));
        t.add("auth enable without root", all.run("", List.of("auth", "enable")).errorLine());
        t.add("user add root", out(all, List.of(), "user", "add", "root:rootpw"));
        t.add("role add app", out(all, List.of(), "role", "add", "app"));
        t.add(
                "role grant-permission --prefix",
                out(all, List.of(), "role", "grant-permission", "app", "--prefix", "readwrite", "app/"));
        t.add(
                "role grant-permission read one key",
                out(all, List.of(), "role", "grant-permission", "app", "read", "motd"));
        t.add("user add alice", out(all, List.of(), "user", "add", "alice:alicepw"));
        t.add("user grant-role", out(all, List.of(), "user", "grant-role", "alice", "app"));
        t.add(
                "user add twice",
                all.run("", List.of("user", "add", "alice:other")).errorLine());
        t.add("auth enable", out(all, List.of(), "auth", "enable"));

        t.add("put as alice", out(all, alice, "put", "app/a", "1"));
        t.add("get as alice on a follower", out(follower, alice, "get", "app/a"));
        t.add("get --prefix as alice", out(all, alice, "get", "--prefix", "app/"));
        t.add("put outside the role", err(all, alice, "put", "secret", "mine"));
        t.add("get outside the role", err(all, alice, "get", "secret"));
        t.add("get a read-only key", out(all, alice, "get", "motd"));
        t.add("put a read-only key", err(all, alice, "put", "motd", "hi"));
        t.add("get --from-key reaches outside", err(all, alice, "get", "--from-key", "app/"));
        t.add("del --prefix --prev-kv", out(all, alice, "del", "--prefix", "--prev-kv", "app/"));
        t.add("wrong password", err(all, List.of("--user=alice:wrong"), "get", "app/a"));
        t.add("unknown user", err(all, List.of("--user=mallory:x"), "get", "app/a"));
        t.add("no user", err(all, List.of(), "get", "app/a"));
        t.add("user list as alice", err(all, alice, "user", "list"));
        t.add("user list as root", out(all, root, "user", "list"));
        t.add("user get alice as root", out(all, root, "user", "get", "alice"));
        t.add("role get app as root", out(all, root, "role", "get", "app"));
        t.add("get outside the role as root", out(follower, root, "get", "secret"));
        t.add("revoke read", out(all, root, "role", "revoke-permission", "app", "motd"));
        t.add("get the revoked key", err(all, alice, "get", "motd"));
        t.add("user delete root while on", err(all, root, "user", "delete", "root"));
        jetcd(cluster);
        t.add("auth disable as alice", err(all, alice, "auth", "disable"));
        t.add("auth disable", out(all, root, "auth", "disable"));
        t.add("get without a user", out(all, List.of(), "get", "secret"));
        System.out.printf("%s: auth session took %.1f s%n", cluster.kind(), (System.nanoTime() - started) / 1e9);
        return t.steps();
    }

    /** jetcd with a user and password: a permitted put and get, a denied get. */
    private static void jetcd(ServerCluster cluster) throws Exception {
        List<String> urls = new ArrayList<>();
        for (int node = 1; node <= ServerCluster.SIZE; node++) {
            urls.add(cluster.clientUrl(node));
        }
        try (Client client = Client.builder()
                .endpoints(urls.toArray(String[]::new))
                .user(bytes("alice"))
                .password(bytes("alicepw"))
                .build()) {
            client.getKVClient().put(bytes("app/jetcd"), bytes("j")).get(10, TimeUnit.SECONDS);
            assertEquals(
                    "j",
                    client.getKVClient()
                            .get(bytes("app/jetcd"))
                            .get(10, TimeUnit.SECONDS)
                            .getKvs()
                            .get(0)
                            .getValue()
                            .toString(StandardCharsets.UTF_8),
                    cluster.kind());
            ExecutionException denied = org.junit.jupiter.api.Assertions.assertThrows(
                    ExecutionException.class,
                    () -> client.getKVClient().get(bytes("secret")).get(10, TimeUnit.SECONDS));
            assertTrue(
                    String.valueOf(denied.getCause().getMessage()).contains("etcdserver: permission denied"),
                    cluster.kind() + ": " + denied.getCause());
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static String out(Etcdctl etcdctl, List<String> user, String... args) throws Exception {
        List<String> command = new ArrayList<>(user);
        command.addAll(List.of(args));
        Etcdctl.Result result = etcdctl.run("", command);
        if (result.exitCode() != 0) {
            throw new AssertionError("etcdctl " + command + " failed (" + result.exitCode() + "): " + result.err());
        }
        return result.out();
    }

    /** A command that must fail: its exit code and error line. */
    private static String err(Etcdctl etcdctl, List<String> user, String... args) throws Exception {
        List<String> command = new ArrayList<>(user);
        command.addAll(List.of(args));
        Etcdctl.Result result = etcdctl.run("", command);
        return "exit " + result.exitCode() + ": " + result.errorLine() + result.out();
    }
}
