package dev.flotilla.snapshot;

import static dev.flotilla.snapshot.TestSnapshots.ANY_PORT;
import static dev.flotilla.snapshot.TestSnapshots.assertSameFiles;
import static dev.flotilla.snapshot.TestSnapshots.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A disk that fills up during a transfer (a small tmpfs, so this needs the right to mount; skipped otherwise): the
 * transfer fails with DISK_FULL, and once space is freed a new fetch resumes from what was kept.
 */
class DiskFullTest {
    private static final SnapshotFetcherConfig CONFIG = SnapshotFetcherConfig.defaults()
            .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(200))
            .withSyncEveryBytes(1 << 20);

    @Test
    void aDiskThatFillsUpFailsTheTransferClearlyAndTheTransferResumesOnceThereIsSpace() throws Exception {
        try (Scratch scratch = new Scratch()) {
            Path small = Files.createDirectories(scratch.resolve("small"));
            assumeTrue(mount(small), "cannot mount a tmpfs here");
            try {
                DirectorySnapshotSource source = new DirectorySnapshotSource(scratch.resolve("sender"));
                SnapshotManifest manifest =
                        TestSnapshots.create(source, scratch.resolve("sender"), "s", 71, 10, 1 << 20);
                Path target = small.resolve("receiver");
                Path filler = small.resolve("filler");
                try (SnapshotServer server = SnapshotServer.start(SnapshotServerConfig.defaults(ANY_PORT), source);
                        SnapshotFetcher fetcher = SnapshotFetcher.create(CONFIG)) {
                    AtomicBoolean filled = new AtomicBoolean();
                    SnapshotTransfer first = fetcher.fetch(FetchRequest.of(target, List.of(at(server, "s")))
                            .withBytesPerSecond(4 << 20)
                            .withListener(p -> {
                                if (p.doneBytes() > p.totalBytes() / 3 && filled.compareAndSet(false, true)) {
                                    fill(filler);
                                }
                            }));
                    ExecutionException e = assertThrows(
                            ExecutionException.class, () -> first.result().get(20, TimeUnit.SECONDS));
                    SnapshotTransferException failure = (SnapshotTransferException) e.getCause();
                    System.out.println(failure.getMessage());
                    assertEquals(SnapshotTransferException.Reason.DISK_FULL, failure.reason());
                    assertTrue(failure.getMessage().contains("no space left"), failure.getMessage());
                    long keptBefore = first.progress().doneBytes();

                    Files.delete(filler);
                    SnapshotTransfer second = fetcher.fetch(FetchRequest.of(target, List.of(at(server, "s"))));
                    assertEquals(manifest, second.result().get(20, TimeUnit.SECONDS));
                    assertTrue(second.progress().reusedBytes() > 0, "nothing was kept after the full disk");
                    assertTrue(second.progress().fetchedBytes() <= manifest.totalBytes() - keptBefore / 2);
                    assertSameFiles(scratch.resolve("sender/s"), target, manifest);
                }
            } finally {
                new ProcessBuilder("umount", small.toString()).start().waitFor();
            }
        }
    }

    /** Fills the disk: writes until the file system refuses. */
    private static void fill(Path filler) {
        byte[] block = new byte[64 << 10];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // The disk is full, as wanted.
        }
    }

    /** A 9 MiB tmpfs: room for the snapshot's files only until the filler takes the rest. */
    private static boolean mount(Path directory) throws InterruptedException {
        try {
            Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=9m", "tmpfs", directory.toString())
                    .redirectErrorStream(true)
                    .start();
            return mount.waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
