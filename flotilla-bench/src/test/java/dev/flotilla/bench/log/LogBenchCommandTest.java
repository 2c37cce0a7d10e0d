package dev.flotilla.bench.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LogBenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void eachEnginePrintsAJsonSummaryLastAndCleansUp() throws Exception {
        for (String engine : LogBenchCommand.ENGINES) {
            String out = run(
                    "--engine",
                    engine,
                    "--groups",
                    "20",
                    "--entry-bytes",
                    "64",
                    "--seconds",
                    "0.3",
                    "--warmup-seconds",
                    "0.1",
                    "--keep-entries",
                    "20",
                    "--dir",
                    dir.toString());
            String[] lines = out.trim().split("\n");
            String json = lines[lines.length - 1];
            for (String key : List.of(
                    "entries_per_sec",
                    "mb_per_sec",
                    "fsyncs_per_sec",
                    "p50_us",
                    "p99_us",
                    "p999_us",
                    "index_bytes_per_entry",
                    "disk_bytes",
                    "live_bytes")) {
                assertTrue(json.contains("\"" + key + "\":"), key + " in " + json);
            }
            assertTrue(json.contains("\"engine\":\"" + engine + "\""), json);
            assertTrue(!json.contains("\"entries_per_sec\":0,"), "some entries were appended: " + json);
            try (Stream<Path> left = Files.list(dir)) {
                assertEquals(0, left.count(), "the data directory is removed");
            }
        }
    }

    @Test
    void tableComparesEachEngineWithTheBaselinesOfItsCell() {
        List<BenchResult> results = List.of(
                new BenchResult("flotilla", 100, 256, 5, 900_000, 1000, 500, 900, 1500, 10, 1, 1),
                new BenchResult("rocksdb", 100, 256, 5, 300_000, 1000, 500, 900, 1500, 0, 1, 1),
                new BenchResult("raw", 100, 256, 5, 1_000_000, 1000, 500, 900, 1500, 0, 1, 1));
        String table = LogBenchCommand.markdownTable(results, 300);
        assertTrue(table.contains("| 100 | 256 | flotilla | 900000 |"), table);
        assertTrue(table.contains("| 0.90× | 3.00× | 3.0 |"), table);
    }

    private static String run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true));
        try {
            assertEquals(0, new CommandLine(new LogBenchCommand()).execute(args));
        } finally {
            System.setOut(original);
        }
        return captured.toString();
    }
}
