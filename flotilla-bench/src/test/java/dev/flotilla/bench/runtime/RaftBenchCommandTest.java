package dev.flotilla.bench.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RaftBenchCommandTest {
    @TempDir
    Path dir;

    private String lastLine(String... args) {
        StringWriter out = new StringWriter();
        CommandLine commandLine = new CommandLine(new RaftBenchCommand());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(new StringWriter(), true));
        assertEquals(0, commandLine.execute(args));
        String[] lines = out.toString().strip().split("\n");
        return lines[lines.length - 1];
    }

    private static double field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\": ([0-9.]+)").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void throughputRunCommitsProposalsAndEndsWithJson() {
        String json = lastLine("--groups", "2", "--clients", "4", "--seconds", "1", "--dir", dir.toString());
        assertTrue(json.startsWith("{\"benchmark\": \"raft\""), json);
        assertTrue(field(json, "committed_per_sec") > 0, json);
        assertTrue(field(json, "p99_us") >= field(json, "p50_us"), json);
    }

    @Test
    void ratisRunReportsTheSameFields() {
        String json = lastLine(
                "--system", "ratis", "--groups", "2", "--clients", "4", "--seconds", "2", "--dir", dir.toString());
        assertTrue(json.startsWith("{\"benchmark\": \"raft\", \"system\": \"ratis\""), json);
        assertTrue(field(json, "committed_per_sec") > 0, json);
        assertTrue(field(json, "p99_us") >= field(json, "p50_us"), json);
    }

    @Test
    void comparisonEndsWithTheRatioToRatis() {
        String json = lastLine(
                "--compare-ratis",
                "--rounds",
                "1",
                "--groups",
                "1",
                "--clients",
                "4",
                "--seconds",
                "1",
                "--dir",
                dir.toString());
        assertTrue(json.startsWith("{\"benchmark\": \"raft-vs-ratis\""), json);
        double ratio = field(json, "flotilla_committed_per_sec") / field(json, "ratis_committed_per_sec");
        assertEquals(ratio, field(json, "ratio_to_ratis"), 0.01 + ratio * 0.01, json);
    }

    @Test
    void everyRunDeletesItsDataDirectory() throws Exception {
        lastLine("--groups", "1", "--clients", "1", "--seconds", "1", "--dir", dir.toString());
        try (var left = java.nio.file.Files.list(dir)) {
            assertEquals(0, left.count());
        }
    }

    @Test
    void idleRunReportsOnlyLivenessPingsBetweenNodes() {
        String json = lastLine("--idle", "--groups", "20", "--seconds", "2", "--dir", dir.toString());
        assertTrue(json.startsWith("{\"benchmark\": \"raft-idle\""), json);
        // 10 ticks a second, one ping per tick per ordered pair: idle groups add nothing.
        assertTrue(field(json, "messages_per_sec_per_pair") < 15, json);
        assertTrue(field(json, "heap_bytes_per_group") > 0, json);
    }
}
