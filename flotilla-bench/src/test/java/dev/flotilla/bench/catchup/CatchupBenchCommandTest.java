package dev.flotilla.bench.catchup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code flotilla bench catchup} end to end with a few MB: real server processes, a fourth node joining, cp and the
 * naive copy, and (soak) the kill and delta variants. The command itself checks that the new node holds the leader's keys and history (count and HashKV); the
 * planted run never starts the new node and skips the wait, and that check must then fail the run.
 */
class CatchupBenchCommandTest {
    private static final List<String> SMALL = List.of(
            "--data-gb",
            "0.003",
            "--value-bytes",
            "16384",
            "--timeout-seconds",
            "120",
            "--server-jvm-option=-Xmx256m",
            "--server-jvm-option=-XX:TieredStopAtLevel=1");

    /** 0.003 GB in 16 KiB values. */
    private static final long KEYS = 184;

    @TempDir
    Path dir;

    @Test
    void aFourthNodeCatchesUpWithTheDataAndTheSummaryHasEveryFigure() throws Exception {
        Run run = run();
        assertEquals(0, run.exitCode(), run.output());
        String json = lastLine(run.output());
        assertTrue(json.startsWith("{\"benchmark\":\"catchup\""), json);
        assertTrue(json.endsWith(",\"verified\":true}"), json);
        for (String figure : List.of(
                "catchup_seconds",
                "mb_per_sec",
                "ratio_to_cp",
                "ratio_to_naive",
                "cp_seconds",
                "naive_seconds",
                "data_bytes",
                "snapshot_bytes")) {
            assertTrue(number(json, figure) > 0, figure + " in " + json);
        }
        // So little data catches up by log replay: no snapshot bytes need to move.
        assertTrue(number(json, "bytes_sent_ratio") >= 0, json);
        assertEquals(KEYS, number(json, "keys"), json);
        assertEquals(KEYS * (16384 + "catchup/000000000000".length()), number(json, "data_bytes"), json);
        assertTrue(number(json, "naive_pairs") > KEYS, "every stored key, meta and members too: " + json);
        assertTrue(run.output().contains("node 4 holds the same " + KEYS + " keys as the leader"), run.output());
        assertScratchRemoved();
    }

    /** Slower (more process starts), so in the soak suite: both variants that restart the new node. */
    @Test
    @Tag("soak")
    void theNewNodeStillCatchesUpAfterBeingKilledAndAgainAfterMissingADelta() throws Exception {
        Run run = run("--kill-receiver-at", "0.5", "--delta");
        assertEquals(0, run.exitCode(), run.output());
        String json = lastLine(run.output());
        assertTrue(run.output().contains("killed node 4 (the receiver, kill -9)"), run.output());
        assertEquals(0.5, number(json, "kill_receiver_at"), json);
        for (String figure : List.of("bytes_sent_ratio", "delta_bytes", "delta_ratio", "delta_seconds")) {
            assertTrue(number(json, figure) > 0, figure + " in " + json);
        }
        assertTrue(
                run.output().contains("node 4 holds the same " + (KEYS + KEYS / 10) + " keys as the leader"),
                "after the delta: " + run.output());
        assertScratchRemoved();
    }

    @Test
    void theDataCheckFailsWhenTheNewNodeNeverGetsTheData() throws Exception {
        Run run = run("--plant-bug", "skip-new-node");
        assertEquals(1, run.exitCode(), run.output());
        assertTrue(run.output().contains("node 4 does not hold the data"), run.output());
        assertScratchRemoved();
    }

    private record Run(int exitCode, String output) {}

    private Run run(String... extra) {
        StringWriter out = new StringWriter();
        CommandLine command = new CommandLine(new CatchupBenchCommand());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(out, true));
        List<String> args = new ArrayList<>(SMALL);
        args.addAll(List.of("--dir", dir.toString()));
        args.addAll(List.of(extra));
        return new Run(command.execute(args.toArray(String[]::new)), out.toString());
    }

    private void assertScratchRemoved() throws Exception {
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "every scratch directory is deleted");
        }
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }

    private static double number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":([0-9.]+)").matcher(json);
        assertTrue(m.find(), field + " missing in " + json);
        return Double.parseDouble(m.group(1));
    }
}
