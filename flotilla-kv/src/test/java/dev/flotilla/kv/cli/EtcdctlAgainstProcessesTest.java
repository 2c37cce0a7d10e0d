package dev.flotilla.kv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** etcdctl 3.4, unchanged, against a Flotilla cluster of three server processes (what {@code flotilla dev} runs). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EtcdctlAgainstProcessesTest {
    @TempDir
    static Path dir;

    DevCluster cluster;
    Etcdctl etcdctl;

    @BeforeAll
    void start() throws Exception {
        Etcdctl.requireInstalled();
        cluster = DevClusters.startOnFreePorts(dir);
        etcdctl = new Etcdctl(cluster.endpoints());
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void putThenGetOnEveryEndpoint() throws Exception {
        assertEquals(
                "OK", etcdctl.run("put", "greeting", "hello").expectSuccess().out());
        for (int node = 1; node <= 3; node++) {
            Etcdctl one = new Etcdctl(cluster.clientEndpoint(node));
            assertEquals(
                    List.of("greeting", "hello"),
                    one.run("get", "greeting").expectSuccess().lines());
        }
    }

    @Test
    void getHonoursPrefixSortLimitAndRevision() throws Exception {
        etcdctl.run("put", "fruit/b", "banana").expectSuccess();
        etcdctl.run("put", "fruit/a", "apple").expectSuccess();
        etcdctl.run("put", "fruit/c", "cherry").expectSuccess();
        etcdctl.run("put", "fruitless", "x").expectSuccess();
        assertEquals(
                List.of("fruit/a", "apple", "fruit/b", "banana", "fruit/c", "cherry"),
                etcdctl.run("get", "--prefix", "fruit/").expectSuccess().lines());
        assertEquals(
                List.of("fruit/c", "fruit/b"),
                etcdctl
                        .run(
                                "get",
                                "--prefix",
                                "fruit/",
                                "--sort-by=KEY",
                                "--order=DESCEND",
                                "--limit=2",
                                "--keys-only")
                        .expectSuccess()
                        .lines()
                        .stream()
                        .filter(line -> !line.isEmpty())
                        .toList());
        assertEquals(
                List.of("fruit/b", "fruit/a", "fruit/c"),
                etcdctl
                        .run("get", "--prefix", "fruit/", "--sort-by=CREATE", "--keys-only")
                        .expectSuccess()
                        .lines()
                        .stream()
                        .filter(line -> !line.isEmpty())
                        .toList());
        String limitedJson = etcdctl.run("get", "--prefix", "fruit/", "--limit=1", "-w", "json")
                .expectSuccess()
                .out();
        assertTrue(limitedJson.contains("\"more\":true") && limitedJson.contains("\"count\":3"), limitedJson);

        long first = revisionOfPut("versioned", "one");
        revisionOfPut("versioned", "two");
        assertEquals(
                List.of("versioned", "one"),
                etcdctl.run("get", "versioned", "--rev=" + first)
                        .expectSuccess()
                        .lines());
        assertEquals(
                List.of("versioned", "two"),
                etcdctl.run("get", "versioned").expectSuccess().lines());
    }

    @Test
    void delRemovesKeysAndReportsTheCount() throws Exception {
        etcdctl.run("put", "tmp/1", "a").expectSuccess();
        etcdctl.run("put", "tmp/2", "b").expectSuccess();
        assertEquals("2", etcdctl.run("del", "--prefix", "tmp/").expectSuccess().out());
        assertEquals("", etcdctl.run("get", "--prefix", "tmp/").expectSuccess().out());
        assertEquals("0", etcdctl.run("del", "tmp/1").expectSuccess().out());
    }

    @Test
    void txnRunsTheBranchItsComparesChoose() throws Exception {
        etcdctl.run("put", "lock", "free").expectSuccess();
        String txn = "value(\"lock\") = \"free\"\n\nput lock taken\nput owner flotilla\n\nget owner\n\n";
        Etcdctl.Result won = etcdctl.runWithInput(txn, "txn").expectSuccess();
        assertEquals("SUCCESS", won.lines().get(0));
        assertEquals(
                List.of("owner", "flotilla"),
                etcdctl.run("get", "owner").expectSuccess().lines());
        Etcdctl.Result lost = etcdctl.runWithInput(txn, "txn").expectSuccess();
        assertEquals("FAILURE", lost.lines().get(0));
        assertTrue(lost.out().contains("flotilla"), "the failure branch read the owner: " + lost.out());
    }

    @Test
    void compactionMakesOldRevisionsUnreadable() throws Exception {
        long old = revisionOfPut("history", "old");
        long current = revisionOfPut("history", "new");
        assertEquals(
                "compacted revision " + current,
                etcdctl.run("compaction", Long.toString(current))
                        .expectSuccess()
                        .out());
        Etcdctl.Result gone = etcdctl.run("get", "history", "--rev=" + old);
        assertNotEquals(0, gone.exitCode());
        assertTrue(gone.err().contains("required revision has been compacted"), gone.err());
        assertEquals(
                List.of("history", "new"),
                etcdctl.run("get", "history").expectSuccess().lines());
    }

    @Test
    void memberListShowsTheThreeNodes() throws Exception {
        List<String> members = etcdctl.run("member", "list").expectSuccess().lines();
        assertEquals(3, members.size(), String.join("\n", members));
        for (int node = 1; node <= 3; node++) {
            String line = members.get(node - 1);
            assertTrue(line.startsWith(Long.toHexString(node) + ", started, node-" + node + ", "), line);
            assertTrue(line.contains("http://" + cluster.clientEndpoint(node)), line);
            assertTrue(line.endsWith(", false"), line);
        }
    }

    @Test
    void endpointStatusReportsOneLeaderAmongTheEndpoints() throws Exception {
        etcdctl.run("put", "status-probe", "x").expectSuccess();
        List<String> lines = etcdctl.run("endpoint", "status").expectSuccess().lines();
        assertEquals(3, lines.size(), String.join("\n", lines));
        List<String> leaders = new ArrayList<>();
        for (String line : lines) {
            // endpoint, member id, version, db size, is leader, is learner, term, index, applied index, errors
            String[] fields = line.split(",\\s*");
            assertEquals("3.4.0-flotilla", fields[2], line);
            if (fields[4].equals("true")) {
                leaders.add(fields[0]);
            }
        }
        assertEquals(1, leaders.size(), String.join("\n", lines));
    }

    @Test
    void endpointHashkvIsTheSameOnEveryReplica() throws Exception {
        etcdctl.run("put", "hash-probe", "x").expectSuccess();
        // A linearizable read on each node first, so each has applied the put before it hashes.
        for (int node = 1; node <= 3; node++) {
            new Etcdctl(cluster.clientEndpoint(node)).run("get", "hash-probe").expectSuccess();
        }
        long revision = revisionOfPut("hash-fence", "y");
        for (int node = 1; node <= 3; node++) {
            new Etcdctl(cluster.clientEndpoint(node)).run("get", "hash-fence").expectSuccess();
        }
        List<String> lines = etcdctl.run("endpoint", "hashkv", "--rev=" + revision)
                .expectSuccess()
                .lines();
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertEquals(
                1,
                lines.stream()
                        .map(line -> line.substring(line.indexOf(',') + 1).trim())
                        .distinct()
                        .count(),
                String.join("\n", lines));
    }

    @Test
    void anEmptyKeyIsRefusedWithEtcdsMessage() throws Exception {
        Etcdctl.Result result = etcdctl.run("put", "", "v");
        assertNotEquals(0, result.exitCode());
        assertTrue(result.err().contains("key is not provided"), result.err());
    }

    private long revisionOfPut(String key, String value) throws Exception {
        String json =
                etcdctl.run("put", key, value, "-w", "json").expectSuccess().out();
        int at = json.indexOf("\"revision\":");
        String digits = json.substring(at + "\"revision\":".length()).replaceAll("^(\\d+).*$", "$1");
        return Long.parseLong(digits.replaceAll("[^0-9].*", ""));
    }
}
