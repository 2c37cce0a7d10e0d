package dev.flotilla.bench.log;

import dev.flotilla.bench.DataDirectories;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flotilla bench log}: the closed-loop log workload against Flotilla's engine, RocksDB-as-log and a raw loop. */
@Command(
        name = "log",
        mixinStandardHelpOptions = true,
        description = {
            "Closed-loop appends: each group keeps one synced append outstanding and compacts to its last entries.",
            "The last line of output is a JSON summary. --matrix runs every N x S x engine of docs/benchmarks.md."
        })
public final class LogBenchCommand implements Callable<Integer> {
    static final List<Integer> MATRIX_GROUPS = List.of(1, 100, 1000, 10000);
    static final List<Integer> MATRIX_ENTRY_BYTES = List.of(256, 4096);
    static final List<String> ENGINES = List.of("flotilla", "rocksdb", "raw");
    /** Flotilla's default cap on one group-commit write; the baselines get the same cap, in entries. */
    private static final int MAX_WRITE_BYTES = 8 << 20;

    @Spec
    CommandSpec spec;

    @Option(names = "--engine", defaultValue = "flotilla", description = "flotilla, rocksdb or raw")
    String engine;

    @Option(names = "--groups", defaultValue = "1000", description = "groups (N)")
    int groups;

    @Option(names = "--entry-bytes", defaultValue = "256", description = "bytes per entry (S)")
    int entryBytes;

    @Option(names = "--seconds", defaultValue = "10", description = "measured seconds per run")
    double seconds;

    @Option(names = "--warmup-seconds", defaultValue = "1", description = "unmeasured seconds before each run")
    double warmupSeconds;

    @Option(names = "--keep-entries", defaultValue = "2000", description = "entries each group keeps after compacting")
    int keepEntries;

    @Option(names = "--dir", description = "parent of the temporary data directory (default: the system temp dir)")
    Optional<Path> dir;

    @Option(names = "--matrix", description = "run every N in {1, 100, 1000, 10000} x S in {256, 4096} x engine")
    boolean matrix;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        PrintStream progress = System.err;
        Path parent = dir.orElse(Path.of(System.getProperty("java.io.tmpdir")));
        double fsyncMicros = probeFsyncMicros(parent);
        progress.printf("fdatasync of a 4 KiB overwrite: median %.0f us%n", fsyncMicros);
        if (!matrix) {
            BenchResult result = runOne(engine, groups, entryBytes, parent, progress);
            out.println(result.toJson());
            return 0;
        }
        List<BenchResult> results = new ArrayList<>();
        for (int n : MATRIX_GROUPS) {
            for (int s : MATRIX_ENTRY_BYTES) {
                for (String e : ENGINES) {
                    results.add(runOne(e, n, s, parent, progress));
                }
            }
        }
        out.print(markdownTable(results, fsyncMicros));
        out.println(String.format(
                Locale.ROOT,
                "{\"fsync_us\":%.0f,\"seconds\":%.1f,\"runs\":[%s]}",
                fsyncMicros,
                seconds,
                results.stream().map(BenchResult::toJson).collect(Collectors.joining(","))));
        return 0;
    }

    private BenchResult runOne(String engineName, int n, int s, Path parent, PrintStream progress)
            throws IOException, InterruptedException {
        Path data = Files.createTempDirectory(parent, "flotilla-bench-log-");
        progress.printf("%s: N=%d S=%d for %.0f s in %s%n", engineName, n, s, seconds, data);
        try (LogUnderTest log = open(engineName, data, n, s)) {
            return ClosedLoopWorkload.run(
                    engineName,
                    log,
                    new ClosedLoopWorkload.Settings(n, s, seconds, warmupSeconds, keepEntries),
                    data,
                    progress);
        } finally {
            DataDirectories.deleteRecursively(data);
        }
    }

    private static LogUnderTest open(String engineName, Path data, int n, int s) throws IOException {
        int maxBatchEntries = Math.max(1, MAX_WRITE_BYTES / s);
        return switch (engineName) {
            case "flotilla" -> new FlotillaLog(data);
            case "rocksdb" -> new RocksDbLog(data, n, maxBatchEntries);
            case "raw" -> new RawLog(data, maxBatchEntries);
            default -> throw new IllegalArgumentException("unknown engine " + engineName + "; use one of " + ENGINES);
        };
    }

    /** Median time of a 4 KiB overwrite plus fdatasync in a preallocated file: the unit of the latency target. */
    static double probeFsyncMicros(Path parent) throws IOException {
        Path file = Files.createTempFile(parent, "flotilla-fsync-probe-", ".tmp");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer block = ByteBuffer.allocateDirect(4096);
            channel.write(ByteBuffer.allocateDirect(1 << 20), 0);
            channel.force(true);
            long[] samples = new long[300];
            for (int i = 0; i < samples.length; i++) {
                block.clear();
                long start = System.nanoTime();
                channel.write(block, (i % 256) * 4096L);
                channel.force(false);
                samples[i] = System.nanoTime() - start;
            }
            Arrays.sort(samples);
            return samples[samples.length / 2] / 1000.0;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    static String markdownTable(List<BenchResult> results, double fsyncMicros) {
        StringBuilder table = new StringBuilder();
        table.append("| N | S | engine | entries/s | MB/s | fsyncs/s | p50 µs | p99 µs | p999 µs | index B/entry"
                + " | disk MB | live MB | vs raw | vs rocksdb | p99 / fsync |\n");
        table.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (BenchResult r : results) {
            Optional<BenchResult> raw = find(results, r, "raw");
            Optional<BenchResult> rocks = find(results, r, "rocksdb");
            table.append(String.format(
                    Locale.ROOT,
                    "| %d | %d | %s | %.0f | %.1f | %.0f | %d | %d | %d | %.1f | %.1f | %.1f | %s | %s | %.1f |%n",
                    r.groups(),
                    r.entryBytes(),
                    r.engine(),
                    r.entriesPerSec(),
                    r.mbPerSec(),
                    r.fsyncsPerSec(),
                    r.p50Micros(),
                    r.p99Micros(),
                    r.p999Micros(),
                    r.indexBytesPerEntry(),
                    r.diskBytes() / 1e6,
                    r.liveBytes() / 1e6,
                    raw.map(b -> ratio(r, b)).orElse("–"),
                    rocks.map(b -> ratio(r, b)).orElse("–"),
                    r.p99Micros() / fsyncMicros));
        }
        return table.toString();
    }

    private static Optional<BenchResult> find(List<BenchResult> results, BenchResult like, String engine) {
        return results.stream()
                .filter(b ->
                        b.engine().equals(engine) && b.groups() == like.groups() && b.entryBytes() == like.entryBytes())
                .findFirst();
    }

    private static String ratio(BenchResult r, BenchResult baseline) {
        return String.format(Locale.ROOT, "%.2f×", r.entriesPerSec() / baseline.entriesPerSec());
    }
}
