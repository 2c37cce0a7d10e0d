package dev.flotilla.snapshot;

import static dev.flotilla.snapshot.TestSnapshots.ANY_PORT;
import static dev.flotilla.snapshot.TestSnapshots.assertSameFiles;
import static dev.flotilla.snapshot.TestSnapshots.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.snapshot.wire.Frames;
import dev.flotilla.snapshot.wire.Request;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Vanishing and silent senders, leases, bandwidth limits, concurrency limits and back-pressure. */
class FailoverAndLimitsTest {
    private static final SnapshotFetcherConfig CONFIG = SnapshotFetcherConfig.defaults()
            .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(100))
            .withRetries(16, 1, 2, Duration.ofMillis(50))
            .withSyncEveryBytes(1 << 20);

    @Test
    void whenTheSenderVanishesTheTransferContinuesFromAnotherReplica() throws Exception {
        try (Scratch scratch = new Scratch()) {
            DirectorySnapshotSource source = new DirectorySnapshotSource(scratch.resolve("sender"));
            SnapshotManifest manifest = TestSnapshots.create(source, scratch.resolve("sender"), "s", 51, 16, 1 << 20);
            Path target = scratch.resolve("receiver");
            SnapshotServer first = SnapshotServer.start(SnapshotServerConfig.defaults(ANY_PORT), source);
            try (SnapshotServer second = SnapshotServer.start(SnapshotServerConfig.defaults(ANY_PORT), source);
                    SnapshotFetcher fetcher = SnapshotFetcher.create(CONFIG)) {
                AtomicBoolean killed = new AtomicBoolean();
                SnapshotTransfer transfer =
                        fetcher.fetch(FetchRequest.of(target, List.of(at(first, "s"), at(second, "s")))
                                .withBytesPerSecond(16 << 20)
                                .withListener(p -> {
                                    if (p.doneBytes() > p.totalBytes() / 2 && killed.compareAndSet(false, true)) {
                                        first.close();
                                    }
                                }));
                assertEquals(manifest, transfer.result().get(20, TimeUnit.SECONDS));
                assertTrue(killed.get());
                long sent = first.bytesSent() + second.bytesSent();
                System.out.printf(
                        "failover: %d + %d bytes sent for %d%n",
                        first.bytesSent(), second.bytesSent(), manifest.totalBytes());
                assertTrue(second.bytesSent() > 0 && second.bytesSent() < manifest.totalBytes() * 6 / 10);
                assertTrue(
                        sent <= manifest.totalBytes() + 8L * TestSnapshots.CHUNK_BYTES * CONFIG.streams(),
                        "sent " + sent);
                assertSameFiles(scratch.resolve("sender/s"), target, manifest);
            } finally {
                first.close();
            }
        }
    }

    @Test
    void aSenderThatAcceptsButNeverAnswersIsTimedOut() throws Exception {
        try (Scratch scratch = new Scratch();
                ServerSocket blackHole = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            DirectorySnapshotSource source = new DirectorySnapshotSource(scratch.resolve("sender"));
            SnapshotManifest manifest = TestSnapshots.create(source, scratch.resolve("sender"), "s", 52, 4, 100_000);
            try (SnapshotServer server = SnapshotServer.start(SnapshotServerConfig.defaults(ANY_PORT), source);
                    SnapshotFetcher fetcher = SnapshotFetcher.create(CONFIG)) {
                SnapshotLocation silent =
                        new SnapshotLocation((InetSocketAddress) blackHole.getLocalSocketAddress(), "s");
                long started = System.nanoTime();
                SnapshotTransfer transfer =
                        fetcher.fetch(FetchRequest.of(scratch.resolve("receiver"), List.of(silent, at(server, "s"))));
                assertEquals(manifest, transfer.result().get(10, TimeUnit.SECONDS));
                long millis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(millis >= CONFIG.responseTimeout().toMillis(), "took " + millis + " ms");
            }
        }
    }

    @Test
    void aSilentReceiversLeaseExpiresAndFinishReleasesAtOnce() throws Exception {
        try (Scratch scratch = new Scratch()) {
            DirectorySnapshotSource source = new DirectorySnapshotSource(scratch.resolve("sender"));
            TestSnapshots.create(source, scratch.resolve("sender"), "s", 53, 2, 10_000);
            SnapshotServerConfig config =
                    SnapshotServerConfig.defaults(ANY_PORT).withLease(Duration.ofMillis(400));
            try (SnapshotServer server = SnapshotServer.start(config, source)) {
                try (SocketChannel receiver = SocketChannel.open(server.address())) {
                    send(receiver, new Request.Open(Frames.PROTOCOL_VERSION, UUID.randomUUID(), "s"));
                    SnapshotTransferTest.waitUntil(() -> source.pinCount("s") == 1);
                }
                // The receiver disappeared: the pin outlives the connection (it could come back) until the lease ends.
                assertEquals(1, source.pinCount("s"));
                assertTrue(!source.delete("s"), "a pinned snapshot was deleted");
                SnapshotTransferTest.waitUntil(() -> source.pinCount("s") == 0);
                assertEquals(0, server.pinnedTransfers());
            }
        }
    }

    @Test
    void bandwidthIsLimitedPerTransferAndTheLimitChangesAtRunTime() throws Exception {
        try (Scratch scratch = new Scratch()) {
            DirectorySnapshotSource source = new DirectorySnapshotSource(scratch.resolve("sender"));
            SnapshotManifest manifest = TestSnapshots.create(source, scratch.resolve("sender"), "s", 54, 9, 1 << 20);
            try (SnapshotServer server = SnapshotServer.start(SnapshotServerConfig.defaults(ANY_PORT), source);
                    SnapshotFetcher fetcher = SnapshotFetcher.create(CONFIG)) {
                long limit = 2 << 20;
                long started = System.nanoTime();
                SnapshotTransfer transfer =
                        fetcher.fetch(FetchRequest.of(scratch.resolve("r"), List.of(at(server, "s")))
                                .withBytesPerSecond(limit));
                Thread.sleep(1000);
                double rate = transfer.progress().fetchedBytes() / ((System.nanoTime() - started) / 1e9);
                System.out.printf("limited to %d B/s: %.0f B/s%n", limit, rate);
                assertTrue(rate < limit * 1.3, "rate " + rate);
                transfer.setBytesPerSecond(0);
                transfer.result().get(10, TimeUnit.SECONDS);
                double seconds = (System.nanoTime() - started) / 1e9;
                assertTrue(
                        seconds < 0.9 * manifest.totalBytes() / limit, "the new limit was ignored: " + seconds + " s");
            }
        }
    }

    @Test
    void aSenderAtItsLimitOfConcurrentSendsAnswersBusy() throws Exception {
        try (Scratch scratch = new Scratch()) {
            DirectorySnapshotSource source = new DirectorySnapshotSource(scratch.resolve("sender"));
            TestSnapshots.create(source, scratch.resolve("sender"), "s", 55, 2, 10_000);
            SnapshotServerConfig config =
                    SnapshotServerConfig.defaults(ANY_PORT).withMaxConcurrentSends(1);
            try (SnapshotServer server = SnapshotServer.start(config, source);
                    SocketChannel busy = SocketChannel.open(server.address());
                    SnapshotFetcher fetcher = SnapshotFetcher.create(CONFIG.withRetries(1, 0, 1, Duration.ZERO))) {
                send(busy, new Request.Open(Frames.PROTOCOL_VERSION, UUID.randomUUID(), "s"));
                SnapshotTransferTest.waitUntil(() -> server.pinnedTransfers() == 1);
                SnapshotTransfer refused =
                        fetcher.fetch(FetchRequest.of(scratch.resolve("r"), List.of(at(server, "s"))));
                ExecutionException e = assertThrows(
                        ExecutionException.class, () -> refused.result().get(10, TimeUnit.SECONDS));
                assertTrue(
                        e.getCause().getMessage().contains("BUSY"), e.getCause().getMessage());
            }
        }
    }

    @Test
    void aReceiverRunsAtMostItsLimitOfTransfersAndQueuesTheRest() throws Exception {
        try (Scratch scratch = new Scratch()) {
            DirectorySnapshotSource source = new DirectorySnapshotSource(scratch.resolve("sender"));
            TestSnapshots.create(source, scratch.resolve("sender"), "s", 56, 4, 500_000);
            try (SnapshotServer server = SnapshotServer.start(SnapshotServerConfig.defaults(ANY_PORT), source);
                    SnapshotFetcher fetcher = SnapshotFetcher.create(CONFIG.withLimits(1, 8 << 20))) {
                SnapshotTransfer first =
                        fetcher.fetch(FetchRequest.of(scratch.resolve("r1"), List.of(at(server, "s"))));
                AtomicBoolean overlapped = new AtomicBoolean();
                SnapshotTransfer second = fetcher.fetch(FetchRequest.of(scratch.resolve("r2"), List.of(at(server, "s")))
                        .withListener(p ->
                                overlapped.compareAndSet(false, !first.result().isDone())));
                second.result().get(20, TimeUnit.SECONDS);
                assertTrue(first.result().isDone());
                assertTrue(!overlapped.get(), "the second transfer ran while the first was running");
            }
        }
    }

    @Test
    void aReceiverThatDoesNotReadStopsTheSenderFromReadingItsRequests() throws Exception {
        try (Scratch scratch = new Scratch()) {
            DirectorySnapshotSource source = new DirectorySnapshotSource(scratch.resolve("sender"));
            TestSnapshots.create(source, scratch.resolve("sender"), "s", 57, 2, 1 << 20);
            try (SnapshotServer server = SnapshotServer.start(SnapshotServerConfig.defaults(ANY_PORT), source);
                    SocketChannel greedy = SocketChannel.open(server.address())) {
                send(greedy, new Request.Open(Frames.PROTOCOL_VERSION, UUID.randomUUID(), "s"));
                greedy.configureBlocking(false);
                // Ask for file 1's chunk 0 again and again (1 GiB of requests' worth), never reading an answer.
                byte[] one = Frames.encode(new Request.Chunk(1, 0));
                ByteBuffer request = ByteBuffer.allocate(one.length * 4096);
                while (request.hasRemaining()) {
                    request.put(one);
                }
                long written = 0;
                long lastProgress = System.nanoTime();
                while (System.nanoTime() - lastProgress < TimeUnit.MILLISECONDS.toNanos(500) && written < (64L << 20)) {
                    if (!request.hasRemaining()) {
                        request.rewind();
                    }
                    int n = greedy.write(request);
                    if (n > 0) {
                        written += n;
                        lastProgress = System.nanoTime();
                    } else {
                        Thread.sleep(1);
                    }
                }
                long requests = written / one.length;
                System.out.printf("the sender stopped reading after %d requests (%d bytes)%n", requests, written);
                assertTrue(written < (64L << 20), "the sender read every request: it buffers without bound");
            }
        }
    }

    private static void send(SocketChannel channel, Request request) throws java.io.IOException {
        ByteBuffer frame = ByteBuffer.wrap(Frames.encode(request));
        while (frame.hasRemaining()) {
            channel.write(frame);
        }
    }
}
