package dev.flotilla.kv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.kv.FreePorts;
import dev.flotilla.kv.LocalCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code flotilla member ...} and {@code flotilla status} against three real servers in this JVM. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemberAndStatusCommandsTest {
    @TempDir
    static Path dir;

    LocalCluster cluster;
    String endpoints;

    record Run(int exitCode, String out, String err) {
        List<String> lines() {
            return out.isBlank() ? List.of() : List.of(out.strip().split("\n"));
        }
    }

    @BeforeAll
    void start() throws Exception {
        cluster = new LocalCluster(dir, 3, LocalCluster.fastTiming());
        cluster.awaitLeader();
        List<String> all = new ArrayList<>();
        for (long id = 1; id <= 3; id++) {
            all.add("127.0.0.1:" + cluster.config(id).clientListenAddress().getPort());
        }
        endpoints = String.join(",", all);
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void memberAddListPromoteAndRemove() {
        Run list = run(new MemberCommand(), "list", "--endpoints", endpoints);
        assertEquals(0, list.exitCode(), list.err());
        assertEquals(4, list.lines().size(), list.out());
        assertTrue(list.lines().get(0).startsWith("ID  STATUS   NAME"), list.out());
        assertTrue(
                list.lines().get(2).matches("2\\s+started\\s+node-2\\s+http://127.0.0.1:\\d+\\s+http://\\S+\\s+false"),
                list.out());

        int port = FreePorts.take(1).get(0);
        Run add = run(
                new MemberCommand(),
                "add",
                "--endpoints",
                endpoints,
                "--learner",
                "--peer-urls",
                "http://127.0.0.1:" + port);
        assertEquals(0, add.exitCode(), add.err());
        assertTrue(add.out().startsWith("Member 4 added to cluster 42 as a learner."), add.out());
        assertTrue(add.out().contains("  node-id: 4\n  initial-cluster-state: existing\n"), add.out());
        assertTrue(add.out().contains("peer-address: 127.0.0.1:" + port), add.out());

        Run withLearner = run(new MemberCommand(), "list", "--endpoints", endpoints);
        assertTrue(
                withLearner.lines().get(4).matches("4\\s+unstarted\\s+http://127.0.0.1:" + port + "\\s+true"),
                withLearner.out());

        Run promote = run(new MemberCommand(), "promote", "--endpoints", endpoints, "4");
        assertEquals(1, promote.exitCode());
        assertTrue(
                promote.err().contains("can only promote a learner member which is in sync with leader"),
                promote.err());

        Run remove = run(new MemberCommand(), "remove", "--endpoints", endpoints, "0x4");
        assertEquals(0, remove.exitCode(), remove.err());
        assertEquals("Member 4 removed.", remove.out().strip());
        assertEquals(
                4,
                run(new MemberCommand(), "list", "--endpoints", endpoints)
                        .lines()
                        .size());

        Run unknown = run(new MemberCommand(), "remove", "--endpoints", endpoints, "99");
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.err().contains("NOT_FOUND etcdserver: member not found"), unknown.err());

        Run badId = run(new MemberCommand(), "remove", "--endpoints", endpoints, "node-4");
        assertEquals(2, badId.exitCode());
        assertTrue(badId.err().contains("'node-4' is not a member id"), badId.err());
    }

    @Test
    void statusListsEveryEndpointAndTheyAgreeOnTheLeader() {
        Run status = run(new StatusCommand(), "--endpoints", endpoints);
        assertEquals(0, status.exitCode(), status.err());
        assertEquals(4, status.lines().size(), status.out());
        List<String> leaders = status.lines().subList(1, 4).stream()
                .map(line -> line.split("\\s+")[4])
                .distinct()
                .toList();
        assertEquals(1, leaders.size(), status.out());
        assertTrue(status.lines().get(1).contains("3.4.0-flotilla"), status.out());
    }

    @Test
    void unreachableEndpointsAreNamedAndSkippedWhenAnotherAnswers() {
        String dead = "127.0.0.1:" + FreePorts.take(1).get(0);
        Run status =
                run(new StatusCommand(), "--endpoints", dead + "," + endpoints.split(",")[0]);
        assertEquals(1, status.exitCode());
        assertTrue(status.err().contains("flotilla status: " + dead + ": "), status.err());
        assertTrue(status.err().toLowerCase().contains("connection refused"), status.err());
        assertEquals(2, status.lines().size(), status.out());

        Run list = run(new MemberCommand(), "list", "--endpoints", dead + "," + endpoints);
        assertEquals(0, list.exitCode(), list.err());

        Run none = run(new MemberCommand(), "list", "--endpoints", dead);
        assertEquals(1, none.exitCode());
        assertTrue(none.err().startsWith("flotilla member list: no endpoint answered: " + dead), none.err());
    }

    private static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = new CommandLine(command);
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int exitCode = line.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }
}
