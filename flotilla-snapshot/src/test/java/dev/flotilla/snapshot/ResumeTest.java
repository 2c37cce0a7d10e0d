package dev.flotilla.snapshot;

import static dev.flotilla.snapshot.TestSnapshots.ANY_PORT;
import static dev.flotilla.snapshot.TestSnapshots.assertSameFiles;
import static dev.flotilla.snapshot.TestSnapshots.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.snapshot.fetch.PlantedBug;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** Resuming: after a stopped receiver, from a new manifest, and delta fetches that reuse held files. */
class ResumeTest {
    private static final SnapshotFetcherConfig CONFIG = SnapshotFetcherConfig.defaults()
            .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(200))
            .withSyncEveryBytes(1 << 20);

    @Test
    void aStoppedTransferResumesFetchingOnlyWhatWasNotDurable() throws Exception {
        try (Scratch scratch = new Scratch()) {
            DirectorySnapshotSource source = new DirectorySnapshotSource(scratch.resolve("sender"));
            SnapshotManifest manifest = TestSnapshots.create(source, scratch.resolve("sender"), "s", 11, 20, 1 << 20);
            Path target = scratch.resolve("receiver");
            try (SnapshotServer server = SnapshotServer.start(SnapshotServerConfig.defaults(ANY_PORT), source)) {
                long firstFetched = fetchUntilHalfThenCancel(server, "s", target);
                try (SnapshotFetcher fetcher = SnapshotFetcher.create(CONFIG)) {
                    SnapshotTransfer second = fetcher.fetch(FetchRequest.of(target, List.of(at(server, "s"))));
                    second.result().get(20, TimeUnit.SECONDS);
                    long total = firstFetched + second.progress().fetchedBytes();
                    System.out.printf(
                            "resume: first %d + second %d = %.3f x %d bytes%n",
                            firstFetched,
                            second.progress().fetchedBytes(),
                            (double) total / manifest.totalBytes(),
                            manifest.totalBytes());
                    assertTrue(second.progress().reusedBytes() > 0, "nothing was kept");
                    assertTrue(
                            total <= manifest.totalBytes() + 4 * CONFIG.syncEveryBytes(),
                            "fetched " + total + " bytes in all for " + manifest.totalBytes());
                }
                assertSameFiles(scratch.resolve("sender/s"), target, manifest);
            }
        }
    }

    @Test
    void aNewerSnapshotFromAnotherSenderKeepsTheFilesAndChunksAlreadyHeld() throws Exception {
        try (Scratch scratch = new Scratch()) {
            DirectorySnapshotSource old = new DirectorySnapshotSource(scratch.resolve("a"));
            SnapshotManifest first = TestSnapshots.create(old, scratch.resolve("a"), "s1", 21, 16, 1 << 20);
            // The other replica's newer snapshot: the same immutable files plus two new ones.
            Path newer = Files.createDirectories(scratch.resolve("b/s2"));
            try (Stream<Path> files = Files.list(scratch.resolve("a/s1"))) {
                for (Path f : files.filter(p -> !p.getFileName().toString().startsWith("."))
                        .toList()) {
                    Files.copy(f, newer.resolve(f.getFileName()));
                }
            }
            TestSnapshots.addFile(newer, "100000.sst", 1, 700_000);
            TestSnapshots.addFile(newer, "100001.sst", 2, 300_000);
            DirectorySnapshotSource other = new DirectorySnapshotSource(scratch.resolve("b"));
            SnapshotManifest second = other.publish("s2", 7, 5000, 4, new byte[0], TestSnapshots.CHUNK_BYTES);
            Path target = scratch.resolve("receiver");
            try (SnapshotServer a = SnapshotServer.start(SnapshotServerConfig.defaults(ANY_PORT), old);
                    SnapshotServer b = SnapshotServer.start(SnapshotServerConfig.defaults(ANY_PORT), other)) {
                long firstFetched = fetchUntilHalfThenCancel(a, "s1", target);
                try (SnapshotFetcher fetcher = SnapshotFetcher.create(CONFIG)) {
                    SnapshotTransfer transfer = fetcher.fetch(FetchRequest.of(target, List.of(at(b, "s2"))));
                    assertEquals(second, transfer.result().get(20, TimeUnit.SECONDS));
                    long total = firstFetched + transfer.progress().fetchedBytes();
                    assertTrue(
                            total <= second.totalBytes() + 4 * CONFIG.syncEveryBytes(),
                            "fetched " + total + " bytes in all for " + second.totalBytes());
                }
                assertSameFiles(newer, target, second);
            }
        }
    }

    @Test
    void aDeltaFetchTakesHeldFilesFromAReuseDirectoryAndFetchesOnlyTheNewOnes() throws Exception {
        try (Scratch scratch = new Scratch()) {
            Path root = scratch.resolve("sender");
            DirectorySnapshotSource source = new DirectorySnapshotSource(root);
            SnapshotManifest first = TestSnapshots.create(source, root, "s1", 31, 10, 500_000);
            Path installed = scratch.resolve("installed");
            try (SnapshotServer server = SnapshotServer.start(SnapshotServerConfig.defaults(ANY_PORT), source);
                    SnapshotFetcher fetcher = SnapshotFetcher.create(CONFIG)) {
                fetcher.fetch(FetchRequest.of(installed, List.of(at(server, "s1"))))
                        .result()
                        .get(20, TimeUnit.SECONDS);
                // The next snapshot: one file compacted away, two new ones.
                Path next = Files.createDirectories(root.resolve("s2"));
                for (SnapshotFile f : first.files().subList(1, first.files().size())) {
                    Files.createLink(next.resolve(f.name()), root.resolve("s1").resolve(f.name()));
                }
                TestSnapshots.addFile(next, "200000.sst", 3, 400_000);
                TestSnapshots.addFile(next, "200001.sst", 4, 100_000);
                SnapshotManifest second = source.publish("s2", 7, 2000, 3, new byte[0], TestSnapshots.CHUNK_BYTES);

                SnapshotTransfer delta =
                        fetcher.fetch(FetchRequest.of(scratch.resolve("next"), List.of(at(server, "s2")))
                                .withReuse(List.of(installed)));
                delta.result().get(20, TimeUnit.SECONDS);
                assertEquals(500_000, delta.progress().fetchedBytes(), "only the two new files are fetched");
                assertEquals(second.totalBytes() - 500_000, delta.progress().reusedBytes());
                assertSameFiles(next, scratch.resolve("next"), second);
            }
        }
    }

    @Test
    void aFullDiskIsReportedBeforeAnythingIsFetched() throws Exception {
        try (Scratch scratch = new Scratch()) {
            DirectorySnapshotSource source = new DirectorySnapshotSource(scratch.resolve("sender"));
            TestSnapshots.create(source, scratch.resolve("sender"), "s", 41, 3, 100_000);
            long usable = Files.getFileStore(scratch.root).getUsableSpace();
            // A snapshot that claims more bytes than the disk has: the receiver must not start filling the disk.
            SnapshotManifest huge = new SnapshotManifest(
                    7,
                    1,
                    1,
                    new byte[0],
                    SnapshotManifest.MAX_CHUNK_BYTES,
                    List.of(new SnapshotFile(
                            "huge.sst",
                            usable + (1L << 30),
                            0,
                            new int[SnapshotFile.chunkCount(usable + (1L << 30), SnapshotManifest.MAX_CHUNK_BYTES)])));
            Files.write(scratch.resolve("sender/s").resolve(DirectorySnapshotSource.MANIFEST_FILE), huge.encode());
            try (SnapshotServer server = SnapshotServer.start(
                            SnapshotServerConfig.defaults(ANY_PORT),
                            new DirectorySnapshotSource(scratch.resolve("sender")));
                    SnapshotFetcher fetcher = SnapshotFetcher.create(CONFIG)) {
                SnapshotTransfer transfer =
                        fetcher.fetch(FetchRequest.of(scratch.resolve("receiver"), List.of(at(server, "s"))));
                ExecutionException e = assertThrows(
                        ExecutionException.class, () -> transfer.result().get(20, TimeUnit.SECONDS));
                SnapshotTransferException failure = (SnapshotTransferException) e.getCause();
                assertEquals(SnapshotTransferException.Reason.DISK_FULL, failure.reason());
                System.out.println(failure.getMessage());
                assertEquals(0, transfer.progress().fetchedBytes());
            }
        }
    }

    @Test
    void theCheckersCatchAReceiverThatForgetsWhatItHolds() throws Exception {
        AssertionFailedError resume = assertThrows(
                AssertionFailedError.class,
                () -> FaultInjectionTest.withPlantedBug(PlantedBug.FORGET_HELD_FILES, () -> {
                    aStoppedTransferResumesFetchingOnlyWhatWasNotDurable();
                    return List.of();
                }));
        System.out.println("the resume checker caught the planted bug: " + resume.getMessage());
        AssertionFailedError delta = assertThrows(
                AssertionFailedError.class,
                () -> FaultInjectionTest.withPlantedBug(PlantedBug.FORGET_HELD_FILES, () -> {
                    aDeltaFetchTakesHeldFilesFromAReuseDirectoryAndFetchesOnlyTheNewOnes();
                    return List.of();
                }));
        System.out.println("the delta checker caught the planted bug: " + delta.getMessage());
    }

    /** Fetches slowly until about half the bytes are held, then cancels; returns the bytes fetched. */
    static long fetchUntilHalfThenCancel(SnapshotServer server, String snapshotId, Path target) throws Exception {
        try (SnapshotFetcher fetcher = SnapshotFetcher.create(CONFIG)) {
            AtomicReference<SnapshotTransfer> self = new AtomicReference<>();
            SnapshotTransfer transfer = fetcher.fetch(FetchRequest.of(target, List.of(at(server, snapshotId)))
                    .withBytesPerSecond(16 << 20)
                    .withListener(progress -> {
                        if (progress.doneBytes() > progress.totalBytes() / 2 && self.get() != null) {
                            self.get().cancel();
                        }
                    }));
            self.set(transfer);
            ExecutionException e = assertThrows(
                    ExecutionException.class, () -> transfer.result().get(20, TimeUnit.SECONDS));
            assertEquals(
                    SnapshotTransferException.Reason.CANCELLED, ((SnapshotTransferException) e.getCause()).reason());
            assertTrue(Files.exists(target.resolve(".flotilla-progress")), "no progress file kept");
            return transfer.progress().fetchedBytes();
        }
    }
}
