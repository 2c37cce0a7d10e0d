package dev.flotilla.bench.log;

import dev.flotilla.bench.DataDirectories;
import dev.flotilla.log.GroupWrite;
import dev.flotilla.log.LogBatch;
import dev.flotilla.log.LogEngine;
import dev.flotilla.log.LogEngineConfig;
import dev.flotilla.raft.Entry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flotilla bench log-recovery}: writes a log of the given size across many groups, then times reopening it
 * (recovery rebuilds every group's index) against a plain sequential read of the same files, in the same run.
 */
@Command(
        name = "log-recovery",
        mixinStandardHelpOptions = true,
        description = {
            "Recovery time of a log versus a sequential read of its files. The last line is a JSON summary.",
            "Use --total-mb 256 for a quick check."
        })
public final class LogRecoveryBenchCommand implements Callable<Integer> {
    private static final int READ_CHUNK_BYTES = 8 << 20;
    private static final int BATCHES_IN_FLIGHT = 4;

    @Option(names = "--total-mb", defaultValue = "2048", description = "entry bytes to write, in MiB")
    long totalMb;

    @Option(names = "--groups", defaultValue = "1000", description = "groups the entries are spread over")
    int groups;

    @Option(names = "--entry-bytes", defaultValue = "1024", description = "bytes per entry")
    int entryBytes;

    @Option(names = "--dir", description = "parent of the temporary data directory (default: the system temp dir)")
    Optional<Path> dir;

    @Override
    public Integer call() throws Exception {
        PrintStream progress = System.err;
        Path parent = dir.orElse(Path.of(System.getProperty("java.io.tmpdir")));
        Path data = Files.createTempDirectory(parent, "flotilla-bench-recovery-");
        try {
            long entries = write(data, progress);
            evictFromPageCache(data);
            long coldRead = timeSequentialRead(data);
            progress.printf("sequential read, cold: %d ms%n", coldRead / 1_000_000);
            evictFromPageCache(data);
            long coldRecovery = timeRecovery(data, entries);
            progress.printf("recovery, cold: %d ms%n", coldRecovery / 1_000_000);
            long warmRead = timeSequentialRead(data);
            progress.printf("sequential read, warm: %d ms%n", warmRead / 1_000_000);
            long warmRecovery = timeRecovery(data, entries);
            progress.printf("recovery, warm: %d ms%n", warmRecovery / 1_000_000);
            System.out.println(String.format(
                    Locale.ROOT,
                    "{\"total_bytes\":%d,\"disk_bytes\":%d,\"groups\":%d,\"entry_bytes\":%d,\"entries\":%d,"
                            + "\"seq_read_ms\":%.1f,\"recovery_ms\":%.1f,\"recovery_over_read\":%.2f,"
                            + "\"warm_seq_read_ms\":%.1f,\"warm_recovery_ms\":%.1f,\"warm_recovery_over_read\":%.2f}",
                    totalMb << 20,
                    ClosedLoopWorkload.diskBytes(data),
                    groups,
                    entryBytes,
                    entries,
                    coldRead / 1e6,
                    coldRecovery / 1e6,
                    (double) coldRecovery / coldRead,
                    warmRead / 1e6,
                    warmRecovery / 1e6,
                    (double) warmRecovery / warmRead));
            return 0;
        } finally {
            DataDirectories.deleteRecursively(data);
        }
    }

    /** Opens (recovering) and closes the log; checks that every entry came back. */
    private long timeRecovery(Path data, long entries) throws IOException {
        long started = System.nanoTime();
        try (LogEngine engine = LogEngine.open(LogEngineConfig.defaults(data))) {
            long elapsed = System.nanoTime() - started;
            if (engine.stats().indexedEntries() != entries || engine.stats().groups() != groups) {
                throw new IllegalStateException("recovered " + engine.stats().indexedEntries() + " entries in "
                        + engine.stats().groups() + " groups, wrote " + entries + " in " + groups);
            }
            return elapsed;
        }
    }

    /**
     * Drops the files from the page cache so that both timings read from the disk, as after a reboot: GNU dd's {@code
     * iflag=nocache count=0} advises the kernel to drop a whole (clean) file's cached pages. Only our files are touched.
     */
    static void evictFromPageCache(Path data) throws IOException, InterruptedException {
        try (Stream<Path> list = Files.list(data)) {
            for (Path file : list.filter(Files::isRegularFile).toList()) {
                Process dd = new ProcessBuilder("dd", "if=" + file, "iflag=nocache", "count=0")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (dd.waitFor() != 0) {
                    throw new IOException("dd could not evict " + file + " from the page cache");
                }
            }
        }
    }

    /** Appends one entry per group per batch, a few batches in flight, until the total is reached. */
    private long write(Path data, PrintStream progress) throws IOException {
        byte[] payload = new byte[entryBytes];
        new Random(7).nextBytes(payload);
        long target = totalMb << 20;
        long written = 0;
        long entries = 0;
        long index = 1;
        long nextReport = 256L << 20;
        ArrayDeque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
        try (LogEngine engine = LogEngine.open(LogEngineConfig.defaults(data))) {
            while (written < target) {
                List<GroupWrite> writes = new ArrayList<>(groups);
                for (long g = 0; g < groups && written < target; g++) {
                    writes.add(GroupWrite.entries(g, List.of(Entry.normal(index, 1, payload))));
                    written += entryBytes;
                    entries++;
                }
                index++;
                inFlight.add(engine.append(new LogBatch(writes)));
                if (inFlight.size() >= BATCHES_IN_FLIGHT) {
                    inFlight.poll().join();
                }
                if (written >= nextReport) {
                    progress.printf("written %d MiB of %d%n", written >> 20, totalMb);
                    nextReport += 256L << 20;
                }
            }
            inFlight.forEach(CompletableFuture::join);
        }
        return entries;
    }

    /** Reads every file under {@code data} front to back, in large chunks, as fast as one thread can. */
    static long timeSequentialRead(Path data) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(READ_CHUNK_BYTES);
        long started = System.nanoTime();
        List<Path> files;
        try (Stream<Path> list = Files.list(data)) {
            files = list.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                long position = 0;
                int n;
                while ((n = channel.read(buffer.clear(), position)) > 0) {
                    position += n;
                }
            }
        }
        return System.nanoTime() - started;
    }
}
