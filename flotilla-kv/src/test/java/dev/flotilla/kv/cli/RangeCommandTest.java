package dev.flotilla.kv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.kv.LocalCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code flotilla range split|list} against three real servers in this JVM, and the real {@code etcdctl} 3.4 reading
 * across the split it made: etcd clients see one key space whatever the ranges.
 */
class RangeCommandTest {
    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {
        List<String> lines() {
            return out.isBlank()
                    ? List.of()
                    : Stream.of(out.strip().split("\n")).map(String::strip).toList();
        }
    }

    @Test
    void splitListAndEtcdctlReadingAcrossTheSplit() throws Exception {
        Etcdctl.requireInstalled();
        try (LocalCluster cluster = new LocalCluster(dir, 3, LocalCluster.fastTiming())) {
            cluster.awaitLeader();
            List<String> all = new ArrayList<>();
            for (long id = 1; id <= 3; id++) {
                all.add("127.0.0.1:" + cluster.config(id).clientListenAddress().getPort());
            }
            String endpoints = String.join(",", all);
            Etcdctl etcdctl = new Etcdctl(endpoints);
            for (String key : List.of("a", "b", "m", "z")) {
                etcdctl.run("put", key, "value-" + key).expectSuccess();
            }

            Run split = run("split", "--endpoints", endpoints, "m");
            assertEquals(0, split.exitCode(), split.err());
            assertEquals(
                    "Split range 1 at 'm': range 1 ['', 'm'), range 2 ['m', )",
                    split.out().strip());

            cluster.awaitLeader(2);
            Run list = run("list", "--endpoints", all.get(2));
            assertEquals(0, list.exitCode(), list.err());
            assertEquals(3, list.lines().size(), list.out());
            assertTrue(list.lines().get(0).matches("RANGE\\s+START\\s+END\\s+LEADER\\s+REVISION"), list.out());
            assertTrue(list.lines().get(1).matches("1\\s+''\\s+'m'\\s+[1-3]\\s+5"), list.out());
            assertTrue(list.lines().get(2).matches("2\\s+'m'\\s+-\\s+[1-3]\\s+5"), list.out());

            Etcdctl.Result prefix = etcdctl.run("get", "", "--prefix").expectSuccess();
            assertEquals(
                    List.of("a", "value-a", "b", "value-b", "m", "value-m", "z", "value-z"),
                    prefix.lines(),
                    prefix.out());
            etcdctl.run("put", "n", "after the split").expectSuccess();
            assertEquals(
                    List.of("m", "value-m", "n", "after the split"),
                    etcdctl.run("get", "m", "p").expectSuccess().lines());

            Run again = run("split", "--endpoints", endpoints, "m");
            assertEquals(1, again.exitCode());
            assertEquals(
                    "flotilla range split: the cluster refused: INVALID_ARGUMENT flotilla: range 2 already starts at 'm'",
                    again.err().strip());
            Run empty = run("split", "--endpoints", endpoints, "");
            assertEquals(2, empty.exitCode());
            assertEquals(
                    "flotilla range split: the split key must not be empty",
                    empty.err().strip());
            Run unreachable = run("list", "--endpoints", "127.0.0.1:1", "--command-timeout-ms", "2000");
            assertEquals(1, unreachable.exitCode());
            assertTrue(
                    unreachable.err().startsWith("flotilla range list: no endpoint answered: 127.0.0.1:1: "),
                    unreachable.err());
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = new CommandLine(new RangeCommand());
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int exitCode = line.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }
}
