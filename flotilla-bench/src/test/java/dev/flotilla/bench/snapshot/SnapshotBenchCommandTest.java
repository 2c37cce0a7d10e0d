package dev.flotilla.bench.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SnapshotBenchCommandTest {
    @Test
    void aSmallRunWithAKilledReceiverPrintsItsJsonSummaryLastAndCleansUp() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "snap-bench-test-");
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            int exit = new CommandLine(new SnapshotBenchCommand())
                    .execute(
                            "--bytes",
                            "24m",
                            "--file-bytes",
                            "4m",
                            "--chunk-bytes",
                            "256k",
                            "--repeat",
                            "1",
                            "--kill-receiver-at",
                            "0.5",
                            "--dir",
                            dir.toString());
            assertEquals(0, exit);
        } finally {
            System.setOut(stdout);
        }
        String[] lines = captured.toString(StandardCharsets.UTF_8).trim().split("\n");
        String json = lines[lines.length - 1];
        for (String key : List.of(
                "cp_seconds",
                "transfer_seconds",
                "mb_per_sec",
                "ratio_to_cp",
                "bytes_sent_ratio",
                "kill_receiver_at")) {
            assertTrue(json.contains("\"" + key + "\":"), key + " in " + json);
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(0, left.count(), "the scratch directory is removed");
        }
        Files.delete(dir);
    }
}
