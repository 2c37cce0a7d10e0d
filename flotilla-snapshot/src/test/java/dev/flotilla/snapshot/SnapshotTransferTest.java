package dev.flotilla.snapshot;

import static dev.flotilla.snapshot.TestSnapshots.ANY_PORT;
import static dev.flotilla.snapshot.TestSnapshots.assertSameFiles;
import static dev.flotilla.snapshot.TestSnapshots.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SnapshotTransferTest {
    private static final SnapshotFetcherConfig FAST = SnapshotFetcherConfig.defaults()
            .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500))
            .withRetries(16, 2, 2, Duration.ofMillis(100));

    @Test
    void aFetchCopiesEveryFileAndReleasesTheSendersPin() throws Exception {
        try (Scratch scratch = new Scratch()) {
            DirectorySnapshotSource source = new DirectorySnapshotSource(scratch.resolve("sender"));
            SnapshotManifest manifest = TestSnapshots.create(source, scratch.resolve("sender"), "s1", 1, 12, 300_000);
            Path target = scratch.resolve("receiver");
            try (SnapshotServer server = SnapshotServer.start(SnapshotServerConfig.defaults(ANY_PORT), source);
                    SnapshotFetcher fetcher = SnapshotFetcher.create(FAST)) {
                SnapshotTransfer transfer = fetcher.fetch(FetchRequest.of(target, List.of(at(server, "s1"))));
                assertEquals(manifest, transfer.result().get(20, TimeUnit.SECONDS));
                assertSameFiles(scratch.resolve("sender/s1"), target, manifest);
                TransferProgress progress = transfer.progress();
                assertEquals(manifest.totalBytes(), progress.doneBytes());
                assertEquals(manifest.totalBytes(), progress.fetchedBytes());
                assertEquals(manifest.files().size(), progress.verifiedFiles());
                assertEquals(manifest.totalBytes(), server.bytesSent());
                waitUntil(() -> source.pinCount("s1") == 0);
            }
        }
    }

    static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within 10 s");
            Thread.sleep(10);
        }
    }
}
