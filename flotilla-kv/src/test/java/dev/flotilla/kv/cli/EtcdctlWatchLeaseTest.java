package dev.flotilla.kv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcdctl 3.4's watch, lease, lock and elect commands against three server processes. The expected outputs are what
 * etcd 3.4 prints for the same commands (checked by hand against a real etcd 3.4; lease ids and revisions differ).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EtcdctlWatchLeaseTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Pattern GRANTED = Pattern.compile("lease ([0-9a-f]+) granted with TTL\\((\\d+)s\\)");

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
    void watchWithRevReplaysHistoryThenFollowsLiveChanges() throws Exception {
        etcdctl.run("put", "w/a", "1").expectSuccess();
        long first = revision("w/a");
        etcdctl.run("put", "w/b", "2").expectSuccess();
        etcdctl.run("del", "w/a").expectSuccess();
        etcdctl.run("put", "wx", "outside the prefix").expectSuccess();
        // A follower serves this watch: it sees the changes as it applies them.
        Etcdctl follower = new Etcdctl(cluster.clientEndpoint(3));
        try (Etcdctl.Background watch = follower.start("watch", "--prefix", "w/", "--rev=" + first, "--prev-kv")) {
            // etcdctl prints a delete's previous key and value, then the deleted key with an empty value.
            assertEquals(
                    List.of("PUT", "w/a", "1", "PUT", "w/b", "2", "DELETE", "w/a", "1", "w/a", ""),
                    watch.awaitLines(11, WAIT));
            etcdctl.run("put", "w/c", "3").expectSuccess();
            assertEquals(List.of("PUT", "w/c", "3"), watch.awaitLines(14, WAIT).subList(11, 14));
        }
    }

    @Test
    void watchOfOneKeyFromNowSeesOnlyThatKey() throws Exception {
        try (Etcdctl.Background watch = etcdctl.start("watch", "single")) {
            Thread.sleep(500); // the watch is created before the writes
            etcdctl.run("put", "singles", "no").expectSuccess();
            etcdctl.run("put", "single", "yes").expectSuccess();
            etcdctl.run("del", "single").expectSuccess();
            assertEquals(List.of("PUT", "single", "yes", "DELETE", "single", ""), watch.awaitLines(6, WAIT));
        }
    }

    @Test
    void watchFromACompactedRevisionIsCanceledWithEtcdsError() throws Exception {
        etcdctl.run("put", "c/1", "x").expectSuccess();
        long old = revision("c/1");
        etcdctl.run("put", "c/1", "y").expectSuccess();
        etcdctl.run("compaction", Long.toString(old + 1)).expectSuccess();
        Etcdctl.Result result = etcdctl.run("watch", "c/1", "--rev=" + old);
        assertTrue(
                (result.out() + result.err()).contains("required revision has been compacted"),
                result.out() + result.err());
    }

    @Test
    void leaseGrantPutTimeToLiveKeepAliveAndRevoke() throws Exception {
        String granted = etcdctl.run("lease", "grant", "60").expectSuccess().out();
        Matcher m = GRANTED.matcher(granted);
        assertTrue(m.matches(), granted);
        String id = m.group(1);
        assertEquals("60", m.group(2));
        assertEquals(
                "OK",
                etcdctl.run("put", "--lease=" + id, "leased", "v")
                        .expectSuccess()
                        .out());
        String ttl =
                etcdctl.run("lease", "timetolive", id, "--keys").expectSuccess().out();
        assertTrue(
                ttl.matches("lease " + id
                        + " granted with TTL\\(60s\\), remaining\\((59|60)s\\), attached keys\\(\\[leased\\]\\)"),
                ttl);
        assertEquals(
                "lease " + id + " keepalived with TTL(60)",
                etcdctl.run("lease", "keep-alive", "--once", id).expectSuccess().out());
        assertTrue(etcdctl.run("lease", "list").expectSuccess().out().contains(id));
        assertEquals(
                "lease " + id + " revoked",
                etcdctl.run("lease", "revoke", id).expectSuccess().out());
        assertEquals("", etcdctl.run("get", "leased").expectSuccess().out());
        assertEquals(
                "lease " + id + " already expired",
                etcdctl.run("lease", "timetolive", id).expectSuccess().out());
    }

    @Test
    void aLeaseThatIsNotKeptAliveExpiresAndTakesItsKeys() throws Exception {
        Matcher m = GRANTED.matcher(
                etcdctl.run("lease", "grant", "2").expectSuccess().out());
        assertTrue(m.matches());
        etcdctl.run("put", "--lease=" + m.group(1), "ephemeral", "v").expectSuccess();
        assertEquals(
                List.of("ephemeral", "v"),
                etcdctl.run("get", "ephemeral").expectSuccess().lines());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!etcdctl.run("get", "ephemeral").expectSuccess().out().isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the key outlived its 2 s lease by 8 s");
            Thread.sleep(200);
        }
    }

    @Test
    void keepAliveKeepsALeaseAliveThroughAFollower() throws Exception {
        Matcher m = GRANTED.matcher(
                etcdctl.run("lease", "grant", "2").expectSuccess().out());
        assertTrue(m.matches());
        String id = m.group(1);
        etcdctl.run("put", "--lease=" + id, "kept", "v").expectSuccess();
        Etcdctl follower = new Etcdctl(cluster.clientEndpoint(2) + "," + cluster.clientEndpoint(3));
        try (Etcdctl.Background keepAlive = follower.start("lease", "keep-alive", id)) {
            Thread.sleep(5000);
            assertTrue(
                    keepAlive.lines().contains("lease " + id + " keepalived with TTL(2)"),
                    keepAlive.lines().toString());
            assertEquals(
                    List.of("kept", "v"),
                    etcdctl.run("get", "kept").expectSuccess().lines());
        }
    }

    @Test
    void lockIsHeldByOneClientAtATime() throws Exception {
        try (Etcdctl.Background holder = etcdctl.start("lock", "mutex")) {
            String key = holder.awaitLines(1, WAIT).get(0);
            assertTrue(key.startsWith("mutex/"), key);
            try (Etcdctl.Background waiter = etcdctl.start("lock", "mutex", "echo", "second")) {
                Thread.sleep(1500);
                assertTrue(waiter.isAlive(), "the second client took a held lock: " + waiter.lines());
                holder.close();
                assertTrue(waiter.awaitExit(WAIT), "the lock was not handed over");
                assertEquals(List.of("second"), waiter.lines());
            }
        }
    }

    @Test
    void electElectsOneLeaderAndObserversSeeIt() throws Exception {
        try (Etcdctl.Background first = etcdctl.start("elect", "office", "alice")) {
            List<String> lines = first.awaitLines(2, WAIT);
            assertTrue(lines.get(0).startsWith("office/"), lines.toString());
            assertEquals("alice", lines.get(1));
            try (Etcdctl.Background second = etcdctl.start("elect", "office", "bob");
                    Etcdctl.Background observer = etcdctl.start("elect", "--listen", "office")) {
                // An observer prints each leader's key, then its proposal.
                assertEquals("alice", observer.awaitLines(2, WAIT).get(1));
                Thread.sleep(1000);
                assertTrue(second.lines().isEmpty(), "two leaders: " + second.lines());
                first.close();
                assertEquals("bob", second.awaitLines(2, WAIT).get(1));
                assertEquals("bob", observer.awaitLines(4, WAIT).get(3));
            }
        }
    }

    private long revision(String key) throws Exception {
        String json = etcdctl.run("get", key, "-w", "json").expectSuccess().out();
        Matcher m = Pattern.compile("\"mod_revision\":(\\d+)").matcher(json);
        assertTrue(m.find(), json);
        return Long.parseLong(m.group(1));
    }
}
