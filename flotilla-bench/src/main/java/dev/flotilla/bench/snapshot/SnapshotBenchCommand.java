package dev.flotilla.bench.snapshot;

import dev.flotilla.bench.DataDirectories;
import dev.flotilla.snapshot.DirectorySnapshotSource;
import dev.flotilla.snapshot.SnapshotFetcherConfig;
import dev.flotilla.snapshot.SnapshotManifest;
import dev.flotilla.snapshot.SnapshotServer;
import dev.flotilla.snapshot.SnapshotServerConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flotilla bench snapshot}: a snapshot directory of {@code --bytes} in files of {@code --file-bytes}, copied
 * with {@code cp -r} on the same disk (the physical limit; also timed with a sync of the copies, since the receiver
 * makes its files durable), then pulled over loopback by a receiver in another JVM; copies and transfers alternate
 * {@code --repeat} times and the medians are reported. Optionally the receiver is then killed at a fraction of the
 * bytes and restarted. Source pages are evicted from the page cache before each copy and transfer, so all read the
 * disk.
 */
@Command(
        name = "snapshot",
        mixinStandardHelpOptions = true,
        description = {
            "Snapshot transfer over loopback versus cp -r of the same files. The last line is a JSON summary.",
            "Quick check: --bytes 256m."
        })
public final class SnapshotBenchCommand implements Callable<Integer> {
    private static final int WRITE_BLOCK_BYTES = 8 << 20;
    private static final String SNAPSHOT_ID = "bench";

    @Option(names = "--bytes", defaultValue = "1g", converter = ByteSizeConverter.class, description = "snapshot size")
    long bytes;

    @Option(
            names = "--file-bytes",
            defaultValue = "64m",
            converter = ByteSizeConverter.class,
            description = "size of each file (the last one may be smaller)")
    long fileBytes;

    @Option(
            names = "--chunk-bytes",
            defaultValue = "1m",
            converter = ByteSizeConverter.class,
            description = "unit of transfer and of chunk checksums")
    long chunkBytes;

    @Option(names = "--streams", description = "parallel connections (default: the receiver's default)")
    Optional<Integer> streams;

    @Option(names = "--in-flight", description = "chunk requests outstanding per stream (default: the receiver's)")
    Optional<Integer> inFlight;

    @Option(
            names = "--kill-receiver-at",
            description = "also run a transfer whose receiver is killed (SIGKILL) at this fraction of the bytes")
    Optional<Double> killReceiverAt;

    @Option(
            names = "--repeat",
            defaultValue = "3",
            description = "copies and transfers, alternated; medians are reported (default: ${DEFAULT-VALUE})")
    int repeat;

    @Option(names = "--dir", description = "parent of the scratch directory (default: the system temp dir)")
    Optional<Path> dir;

    @Override
    public Integer call() throws Exception {
        PrintStream progress = System.err;
        Path parent = dir.orElse(Path.of(System.getProperty("java.io.tmpdir")));
        Path scratch = Files.createTempDirectory(parent, "flotilla-bench-snapshot-");
        SnapshotFetcherConfig defaults = SnapshotFetcherConfig.defaults();
        int streamCount = streams.orElse(defaults.streams());
        int requestsInFlight = inFlight.orElse(defaults.requestsInFlightPerStream());
        try {
            Path sources = scratch.resolve("source");
            List<Path> files = writeSnapshotFiles(Files.createDirectories(sources.resolve(SNAPSHOT_ID)), progress);
            DirectorySnapshotSource source = new DirectorySnapshotSource(sources);
            long publishStarted = System.nanoTime();
            SnapshotManifest manifest = source.publish(SNAPSHOT_ID, 1, 1, 1, new byte[0], Math.toIntExact(chunkBytes));
            double publishSeconds = seconds(publishStarted);
            progress.printf(
                    "published %d files in %.2f s (checksums)%n",
                    manifest.files().size(), publishSeconds);

            try (SnapshotServer server = SnapshotServer.start(
                    SnapshotServerConfig.defaults(new InetSocketAddress("127.0.0.1", 0)), source)) {
                Receiver receiver = new Receiver(server, streamCount, requestsInFlight);
                List<Double> cpTimes = new ArrayList<>();
                List<Double> cpSyncTimes = new ArrayList<>();
                List<Double> transferTimes = new ArrayList<>();
                Run plain = null;
                // Alternated, so that both see the same load on a shared machine; the medians are reported.
                for (int i = 0; i < repeat; i++) {
                    DataDirectories.evictFromPageCache(files);
                    double[] cp = timeCopy(sources.resolve(SNAPSHOT_ID), scratch.resolve("cp"));
                    cpTimes.add(cp[0]);
                    cpSyncTimes.add(cp[1]);
                    DataDirectories.evictFromPageCache(files);
                    plain = receiver.fetch(scratch.resolve("received"), Optional.empty(), progress);
                    DataDirectories.deleteRecursively(scratch.resolve("received"));
                    transferTimes.add(plain.seconds);
                    progress.printf(
                            "run %d: cp -r %.2f s, cp -r + sync %.2f s, transfer %.2f s%n",
                            i + 1, cp[0], cp[1], plain.seconds);
                }
                Optional<Run> killed = Optional.empty();
                if (killReceiverAt.isPresent()) {
                    DataDirectories.evictFromPageCache(files);
                    killed = Optional.of(receiver.fetch(scratch.resolve("received-killed"), killReceiverAt, progress));
                    DataDirectories.deleteRecursively(scratch.resolve("received-killed"));
                    progress.printf(
                            "transfer with the receiver killed at %.2f: %.2f s, %.3f x the bytes sent%n",
                            killReceiverAt.get(),
                            killed.get().seconds,
                            killed.get().sentRatio(manifest));
                }
                System.out.println(summary(
                        manifest,
                        streamCount,
                        requestsInFlight,
                        publishSeconds,
                        median(cpTimes),
                        median(cpSyncTimes),
                        new Run(median(transferTimes), plain.bytesSent),
                        killed));
            }
            return 0;
        } finally {
            DataDirectories.deleteRecursively(scratch);
        }
    }

    private String summary(
            SnapshotManifest manifest,
            int streamCount,
            int requestsInFlight,
            double publishSeconds,
            double cpSeconds,
            double cpSyncSeconds,
            Run plain,
            Optional<Run> killed) {
        double mb = manifest.totalBytes() / 1e6;
        StringBuilder json = new StringBuilder(String.format(
                Locale.ROOT,
                "{\"bytes\":%d,\"files\":%d,\"repeat\":%d,\"chunk_bytes\":%d,\"streams\":%d,\"requests_in_flight\":%d,"
                        + "\"publish_seconds\":%.3f,\"cp_seconds\":%.3f,\"cp_mb_per_sec\":%.1f,"
                        + "\"cp_sync_seconds\":%.3f,\"transfer_seconds\":%.3f,\"mb_per_sec\":%.1f,"
                        + "\"ratio_to_cp\":%.3f,\"ratio_to_cp_synced\":%.3f",
                manifest.totalBytes(),
                manifest.files().size(),
                repeat,
                chunkBytes,
                streamCount,
                requestsInFlight,
                publishSeconds,
                cpSeconds,
                mb / cpSeconds,
                cpSyncSeconds,
                plain.seconds,
                mb / plain.seconds,
                plain.seconds / cpSeconds,
                plain.seconds / cpSyncSeconds));
        if (killed.isPresent()) {
            json.append(String.format(
                    Locale.ROOT,
                    ",\"kill_receiver_at\":%.2f,\"killed_transfer_seconds\":%.3f,\"bytes_sent_ratio\":%.4f",
                    killReceiverAt.get(),
                    killed.get().seconds,
                    killed.get().sentRatio(manifest)));
        } else {
            json.append(String.format(Locale.ROOT, ",\"bytes_sent_ratio\":%.4f", plain.sentRatio(manifest)));
        }
        return json.append('}').toString();
    }

    /** One transfer: its wall time (first start of the receiver to its verified result) and bytes the sender sent. */
    private record Run(double seconds, long bytesSent) {
        double sentRatio(SnapshotManifest manifest) {
            return (double) bytesSent / manifest.totalBytes();
        }
    }

    /** Starts receiver processes against one sender. */
    private record Receiver(SnapshotServer server, int streamCount, int requestsInFlight) {
        Run fetch(Path target, Optional<Double> killAt, PrintStream progress) throws IOException, InterruptedException {
            long sentBefore = server.bytesSent();
            long started = System.nanoTime();
            if (killAt.isPresent()) {
                Process victim = start(target);
                awaitLine(victim, killAt.get());
                victim.destroyForcibly().waitFor();
                progress.printf("killed the receiver; %d bytes sent so far%n", server.bytesSent() - sentBefore);
            }
            Process receiver = start(target);
            awaitLine(receiver, 2);
            if (receiver.waitFor() != 0) {
                throw new IOException("the receiver process failed");
            }
            return new Run(seconds(started), server.bytesSent() - sentBefore);
        }

        private Process start(Path target) throws IOException {
            return new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx512m",
                            "-cp",
                            System.getProperty("java.class.path"),
                            SnapshotReceiverProcess.class.getName(),
                            target.toString(),
                            String.valueOf(server.address().getPort()),
                            SNAPSHOT_ID,
                            String.valueOf(streamCount),
                            String.valueOf(requestsInFlight))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        }

        /** Reads the receiver's output until it has done {@code fraction} of the bytes (2: until it is done). */
        private static void awaitLine(Process process, double fraction) throws IOException {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                String[] parts = line.split(" ");
                if (parts[0].equals("failed")) {
                    throw new IOException("the receiver failed: " + line);
                }
                if (parts[0].equals("done")
                        || (parts[0].equals("progress")
                                && Long.parseLong(parts[1]) >= fraction * Long.parseLong(parts[2]))) {
                    return;
                }
            }
            throw new IOException("the receiver ended without finishing");
        }
    }

    /** Times {@code cp -r}, then a sync of the copied files; returns both times (the second includes the first). */
    private static double[] timeCopy(Path from, Path to) throws IOException, InterruptedException {
        long started = System.nanoTime();
        DataDirectories.runTool("cp", "-r", from.toString(), to.toString());
        double cpSeconds = seconds(started);
        List<String> sync = new ArrayList<>(List.of("sync"));
        try (Stream<Path> list = Files.list(to)) {
            list.forEach(p -> sync.add(p.toString()));
        }
        DataDirectories.runTool(sync.toArray(String[]::new));
        double withSync = seconds(started);
        DataDirectories.deleteRecursively(to);
        return new double[] {cpSeconds, withSync};
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /** Writes the files in large blocks of random bytes, each block made unique by its position. */
    private List<Path> writeSnapshotFiles(Path directory, PrintStream progress) throws IOException {
        ByteBuffer block = ByteBuffer.allocateDirect(WRITE_BLOCK_BYTES);
        byte[] random = new byte[WRITE_BLOCK_BYTES];
        new Random(1).nextBytes(random);
        block.put(random);
        List<Path> files = new ArrayList<>();
        long written = 0;
        for (int i = 0; written < bytes; i++) {
            Path file = directory.resolve(String.format("%06d.sst", i));
            long size = Math.min(fileBytes, bytes - written);
            try (FileChannel channel =
                    FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (long at = 0; at < size; ) {
                    block.putLong(0, written + at);
                    block.clear().limit((int) Math.min(WRITE_BLOCK_BYTES, size - at));
                    at += channel.write(block, at);
                }
                channel.force(true);
            }
            written += size;
            files.add(file);
        }
        progress.printf("wrote %d files, %d MiB%n", files.size(), written >> 20);
        return files;
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
