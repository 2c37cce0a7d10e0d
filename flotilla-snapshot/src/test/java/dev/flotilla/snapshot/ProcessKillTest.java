package dev.flotilla.snapshot;

import static dev.flotilla.snapshot.TestSnapshots.ANY_PORT;
import static dev.flotilla.snapshot.TestSnapshots.assertSameFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Kills a receiver or a sender process with SIGKILL halfway through a transfer, restarts it, and checks the result. */
class ProcessKillTest {
    private static final int SNAPSHOT_FILES = 24;
    private static final int MAX_FILE_BYTES = 2 << 20;
    private static final long SLOW = 24 << 20;

    @Test
    void aKilledReceiverProcessResumesFromItsDurableProgress() throws Exception {
        try (Scratch scratch = new Scratch()) {
            DirectorySnapshotSource source = new DirectorySnapshotSource(scratch.resolve("sender"));
            SnapshotManifest manifest =
                    TestSnapshots.create(source, scratch.resolve("sender"), "s", 61, SNAPSHOT_FILES, MAX_FILE_BYTES);
            Path target = scratch.resolve("receiver");
            try (SnapshotServer server = SnapshotServer.start(SnapshotServerConfig.defaults(ANY_PORT), source)) {
                String port = String.valueOf(server.address().getPort());
                Process first = java(FetchProcess.class, target.toString(), port, "s", String.valueOf(SLOW));
                long doneAtKill = awaitLine(first, line -> halfDone(line, manifest));
                first.destroyForcibly().waitFor();
                long sentBeforeRestart = server.bytesSent();
                assertTrue(Files.exists(target.resolve(".flotilla-progress")));

                Process second = java(FetchProcess.class, target.toString(), port, "s", "0");
                awaitLine(second, line -> line.startsWith("done") || failed(line));
                assertEquals(0, second.waitFor());
                double ratio = (double) server.bytesSent() / manifest.totalBytes();
                System.out.printf(
                        "receiver killed at %d of %d bytes; sent %d before the restart, %d in all: %.3f x%n",
                        doneAtKill, manifest.totalBytes(), sentBeforeRestart, server.bytesSent(), ratio);
                // What was in flight or written but not yet synced at the kill is fetched again: at most a sync
                // interval (1 MiB) plus the requests in flight.
                assertTrue(server.bytesSent() <= manifest.totalBytes() * 1.1, "sent " + ratio + " x the snapshot");
            }
            assertSameFiles(scratch.resolve("sender/s"), target, manifest);
        }
    }

    @Test
    void aKilledAndRestartedSenderProcessIsResumedFrom() throws Exception {
        try (Scratch scratch = new Scratch()) {
            DirectorySnapshotSource source = new DirectorySnapshotSource(scratch.resolve("sender"));
            SnapshotManifest manifest =
                    TestSnapshots.create(source, scratch.resolve("sender"), "s", 62, SNAPSHOT_FILES, MAX_FILE_BYTES);
            int port = freePort();
            Process sender = java(ServeProcess.class, scratch.resolve("sender").toString(), String.valueOf(port));
            awaitLine(sender, "listening"::equals);
            SnapshotFetcherConfig config = SnapshotFetcherConfig.defaults()
                    .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(200))
                    .withRetries(16, 1, 20, Duration.ofMillis(200))
                    .withSyncEveryBytes(1 << 20);
            Path target = scratch.resolve("receiver");
            try (SnapshotFetcher fetcher = SnapshotFetcher.create(config)) {
                SnapshotLocation location = new SnapshotLocation(new InetSocketAddress("127.0.0.1", port), "s");
                SnapshotTransfer transfer =
                        fetcher.fetch(FetchRequest.of(target, List.of(location)).withBytesPerSecond(SLOW));
                SnapshotTransferTest.waitUntil(() -> transfer.progress().doneBytes() > manifest.totalBytes() / 2);
                sender.destroyForcibly().waitFor();
                long doneAtKill = transfer.progress().doneBytes();
                Thread.sleep(500);
                sender = java(ServeProcess.class, scratch.resolve("sender").toString(), String.valueOf(port));
                awaitLine(sender, "listening"::equals);
                transfer.setBytesPerSecond(0);
                assertEquals(manifest, transfer.result().get(30, TimeUnit.SECONDS));
                double ratio = (double) transfer.progress().fetchedBytes() / manifest.totalBytes();
                System.out.printf(
                        "sender killed at %d of %d bytes; fetched %.3f x the snapshot in all%n",
                        doneAtKill, manifest.totalBytes(), ratio);
                assertTrue(ratio <= 1.1, "fetched " + ratio + " x the snapshot");
            } finally {
                sender.destroyForcibly().waitFor();
            }
            assertSameFiles(scratch.resolve("sender/s"), target, manifest);
        }
    }

    private static boolean halfDone(String line, SnapshotManifest manifest) {
        if (failed(line)) {
            return true;
        }
        String[] parts = line.split(" ");
        return parts[0].equals("progress") && Long.parseLong(parts[1]) > manifest.totalBytes() / 2;
    }

    private static boolean failed(String line) {
        if (line.startsWith("failed")) {
            throw new AssertionError("the child process reports: " + line);
        }
        return false;
    }

    /** Reads the child's output until a line matches; returns the DONE figure of a progress line, else 0. */
    private static long awaitLine(Process process, Predicate<String> wanted) throws IOException {
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (wanted.test(line)) {
                return line.startsWith("progress") ? Long.parseLong(line.split(" ")[1]) : 0;
            }
        }
        throw new AssertionError("the child process ended without the expected line");
    }

    private static Process java(Class<?> main, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
