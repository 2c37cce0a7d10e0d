package dev.flotilla.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One etcdctl 3.4 session (put, get with prefix/rev/sort/limit, del, txn, compaction, endpoint status, member
 * list/add/remove) against three Flotilla server processes and against three real etcd 3.4 processes; the transcripts
 * must be equal once cluster ids, member ids, terms, indexes, versions and sizes are hidden ({@link Transcript}).
 *
 * <p>Without etcd installed (or with {@code -Dcompat.skipEtcd=true}), Flotilla's transcript is compared with {@code
 * etcd-3.4-etcdctl-transcript.txt}, recorded from etcd 3.4.23 (record it again with {@code
 * -Dcompat.recordEtcdTranscript=FILE}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EtcdctlComparisonTest {
    private static final String RECORDED = "etcd-3.4-etcdctl-transcript.txt";
    /** Separates the steps in the recorded transcript (outputs contain empty lines). */
    private static final String STEP_SEPARATOR = "\n-----\n";

    private static final Pattern JSON_REVISION = Pattern.compile("\"revision\":(\\d+)");
    private static final Pattern ADDED_ID = Pattern.compile("Member +(\\S+) added");

    @TempDir
    static Path dir;

    FlotillaCluster flotilla;
    Optional<EtcdCluster> etcd = Optional.empty();

    @BeforeAll
    void start() throws Exception {
        Etcdctl.requireInstalled();
        flotilla = FlotillaCluster.start(dir.resolve("flotilla"));
        etcd = EtcdCluster.startIfInstalled(dir.resolve("etcd"));
    }

    @AfterAll
    void stop() {
        if (flotilla != null) {
            flotilla.close();
        }
        etcd.ifPresent(EtcdCluster::close);
    }

    @Test
    void flotillaAnswersEtcdctlAsEtcdDoes() throws Exception {
        List<String> flotillaSteps = session(flotilla);
        List<String> expected;
        if (etcd.isPresent()) {
            expected = session(etcd.get());
            String record = System.getProperty("compat.recordEtcdTranscript", "");
            if (!record.isEmpty()) {
                Files.writeString(
                        Path.of(record), String.join(STEP_SEPARATOR, expected) + "\n", StandardCharsets.UTF_8);
            }
        } else {
            System.out.println(
                    "no etcd (not installed: apt-get install etcd-server; or -Dcompat.skipEtcd=true): comparing with the transcript"
                            + " recorded from etcd 3.4.23 instead of a live etcd");
            expected = recorded();
        }
        assertEquals(expected.size(), flotillaSteps.size(), "steps");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), flotillaSteps.get(i), "step " + (i + 1));
        }
    }

    private List<String> recorded() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/" + RECORDED)) {
            if (in == null) {
                throw new AssertionError(RECORDED + " is missing from the test resources");
            }
            return List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .strip()
                    .split(STEP_SEPARATOR));
        }
    }

    /** The same etcdctl session against a fresh cluster, each output normalised into one step of the transcript. */
    private static List<String> session(ServerCluster cluster) throws Exception {
        Etcdctl all = new Etcdctl(cluster.endpoints());
        Etcdctl one = new Etcdctl(cluster.clientEndpoint(2));
        String newPeer = "http://127.0.0.1:" + LocalPorts.take(1).get(0);
        Transcript t = new Transcript(cluster, newPeer);

        t.add("put", out(all, "put", "greeting", "hello"));
        t.add("get from one node", out(one, "get", "greeting"));
        StringBuilder puts = new StringBuilder();
        for (String kv : List.of("fruit/b=banana", "fruit/a=apple", "fruit/c=cherry", "fruitless=x")) {
            String[] parts = kv.split("=");
            puts.append(out(all, "put", parts[0], parts[1])).append('\n');
        }
        t.add("four puts", puts.toString());
        t.add("get --prefix", out(all, "get", "--prefix", "fruit/"));
        t.add(
                "get --prefix sorted by key, descending, limit 2, keys only",
                out(all, "get", "--prefix", "fruit/", "--sort-by=KEY", "--order=DESCEND", "--limit=2", "--keys-only"));
        t.add("get --prefix sorted by create revision", out(all, "get", "--prefix", "fruit/", "--sort-by=CREATE"));
        t.add("get --prefix --limit 1 as json", out(all, "get", "--prefix", "fruit/", "--limit=1", "-w", "json"));

        String firstPut = out(all, "put", "versioned", "one", "-w", "json");
        t.add("put as json", firstPut);
        long first = revision(firstPut);
        t.add("put again", out(all, "put", "versioned", "two"));
        t.add("get --rev", out(one, "get", "versioned", "--rev=" + first));
        t.add("del --prefix", out(all, "del", "--prefix", "fruit/"));
        t.add("del a missing key", out(all, "del", "fruit/a"));
        t.add(
                "txn, compare holds",
                all.run(
                                "value(\"greeting\") = \"hello\"\n\nput greeting bye\nget greeting\n\nput greeting no\n\n",
                                List.of("txn"))
                        .out());
        t.add(
                "txn, compare fails",
                all.run("version(\"greeting\") > \"5\"\n\nput greeting yes\n\nget greeting\n\n", List.of("txn"))
                        .out());
        t.add("compaction", out(all, "compaction", Long.toString(first + 1)));
        t.add(
                "get --rev below the compaction",
                one.run("", List.of("get", "versioned", "--rev=" + first)).errorLine());

        t.addEndpointStatus("endpoint status", out(all, "endpoint", "status"));
        t.addMemberList("member list", out(all, "member", "list"));
        String added = memberAdd(all, newPeer);
        t.add("member add --learner", added);
        t.addMemberList("member list with the learner", out(all, "member", "list"));
        Matcher id = ADDED_ID.matcher(added);
        if (!id.find()) {
            throw new AssertionError(cluster.kind() + ": member add printed no id: " + added);
        }
        t.add("member remove", out(all, "member", "remove", id.group(1)));
        t.addMemberList("member list after the removal", out(all, "member", "list"));
        t.add(
                "member remove, again",
                all.run("", List.of("member", "remove", id.group(1))).errorLine());
        return t.steps();
    }

    /** Adds a learner; retries while etcd still calls itself unhealthy (its strict check after a fresh start). */
    private static String memberAdd(Etcdctl etcdctl, String peerUrl) throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (true) {
            Etcdctl.Result result =
                    etcdctl.run("", List.of("member", "add", "node-4", "--learner", "--peer-urls=" + peerUrl));
            if (result.exitCode() == 0 || !result.err().contains("unhealthy cluster") || System.nanoTime() > deadline) {
                return check(result, "member add");
            }
            Thread.sleep(500);
        }
    }

    private static String out(Etcdctl etcdctl, String... args) throws Exception {
        return check(etcdctl.run("", List.of(args)), String.join(" ", args));
    }

    private static String check(Etcdctl.Result result, String what) {
        if (result.exitCode() != 0) {
            throw new AssertionError("etcdctl " + what + " failed (" + result.exitCode() + "): " + result.err());
        }
        return result.out();
    }

    private static long revision(String json) {
        Matcher m = JSON_REVISION.matcher(json);
        if (!m.find()) {
            throw new AssertionError("no revision in " + json);
        }
        return Long.parseLong(m.group(1));
    }
}
