package dev.flotilla.bench.log;

import dev.flotilla.bench.LatencyHistogram;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * N groups, each with exactly one synced append outstanding (closed loop), driven by one client thread that reacts to
 * completions: no thread per group. A group compacts its log once it holds more than {@code keepEntries * 1.5}
 * entries, down to {@code keepEntries}, as Raft does after a snapshot, so purging runs too.
 */
final class ClosedLoopWorkload {
    record Settings(int groups, int entryBytes, double seconds, double warmupSeconds, int keepEntries) {}

    private final LogUnderTest log;
    private final Settings settings;
    private final String engine;
    private final PrintStream progress;
    private final byte[] data;
    private final long[] nextIndex;
    private final long[] firstIndex;
    private final long[] startedNanos;
    private final LatencyHistogram latencies = new LatencyHistogram();
    private final ExecutorService client = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bench-client");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch drained = new CountDownLatch(1);
    /** {@link #completed}, published for the progress line. */
    private volatile long completedVolatile;

    // Only touched on the client thread.
    private long measureFrom;
    private long measureUntil;
    private long measured;
    private long completed;
    private int outstanding;

    private ClosedLoopWorkload(String engine, LogUnderTest log, Settings settings, PrintStream progress) {
        this.engine = engine;
        this.log = log;
        this.settings = settings;
        this.progress = progress;
        this.data = new byte[settings.entryBytes()];
        new Random(42).nextBytes(data);
        this.nextIndex = new long[settings.groups()];
        this.firstIndex = new long[settings.groups()];
        this.startedNanos = new long[settings.groups()];
        java.util.Arrays.fill(nextIndex, 1);
        java.util.Arrays.fill(firstIndex, 1);
    }

    static BenchResult run(String engine, LogUnderTest log, Settings settings, Path dir, PrintStream progress)
            throws InterruptedException {
        return new ClosedLoopWorkload(engine, log, settings, progress).run(dir);
    }

    private BenchResult run(Path dir) throws InterruptedException {
        long start = System.nanoTime();
        long measureFromNanos = start + (long) (settings.warmupSeconds() * 1e9);
        long measureUntilNanos = measureFromNanos + (long) (settings.seconds() * 1e9);
        long[] syncsAtStart = new long[1];
        client.execute(() -> {
            measureFrom = measureFromNanos;
            measureUntil = measureUntilNanos;
            for (int g = 0; g < settings.groups(); g++) {
                issue(g);
            }
        });
        // Progress, and the sync count at the start of the measured window.
        boolean started = false;
        while (!drained.await(1, TimeUnit.SECONDS)) {
            long now = System.nanoTime();
            if (!started && now >= measureFromNanos) {
                syncsAtStart[0] = log.syncs();
                started = true;
            }
            progress.printf(
                    "  %s N=%d S=%d: %.0fs, %d entries durable%n",
                    engine, settings.groups(), settings.entryBytes(), (now - start) / 1e9, completedVolatile);
            if (failure.get() != null) {
                break;
            }
        }
        long syncs = log.syncs() - syncsAtStart[0];
        client.shutdown();
        client.awaitTermination(10, TimeUnit.SECONDS);
        if (failure.get() != null) {
            throw new IllegalStateException("append failed: " + failure.get(), failure.get());
        }
        long live = 0;
        for (int g = 0; g < settings.groups(); g++) {
            live += (nextIndex[g] - firstIndex[g]) * (long) settings.entryBytes();
        }
        return new BenchResult(
                engine,
                settings.groups(),
                settings.entryBytes(),
                settings.seconds(),
                measured / settings.seconds(),
                syncs / settings.seconds(),
                latencies.quantile(0.50),
                latencies.quantile(0.99),
                latencies.quantile(0.999),
                log.indexBytesPerEntry(),
                diskBytes(dir),
                live);
    }

    private void issue(int g) {
        long index = nextIndex[g]++;
        OptionalLong compact = OptionalLong.empty();
        if (index - firstIndex[g] + 1 > settings.keepEntries() + settings.keepEntries() / 2) {
            long through = index - 1 - settings.keepEntries();
            compact = OptionalLong.of(through);
            firstIndex[g] = through + 1;
        }
        outstanding++;
        startedNanos[g] = System.nanoTime();
        log.append(g, index, 1, data, compact).whenCompleteAsync((ok, error) -> completed(g, error), client);
    }

    private void completed(int g, Throwable error) {
        outstanding--;
        if (error != null) {
            failure.compareAndSet(null, error);
            drained.countDown();
            return;
        }
        long now = System.nanoTime();
        completed++;
        completedVolatile = completed;
        if (now >= measureFrom && now < measureUntil) {
            measured++;
            latencies.record((now - startedNanos[g]) / 1000);
        }
        if (now < measureUntil) {
            issue(g);
        } else if (outstanding == 0) {
            drained.countDown();
        }
    }

    /** Bytes of every file under {@code dir}: what the log occupies, whatever it keeps there. */
    static long diskBytes(Path dir) {
        long[] total = new long[1];
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    total[0] += attributes.size();
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // deleted meanwhile (a purged segment, a compacted table)
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return total[0];
    }
}
