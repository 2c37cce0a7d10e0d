package dev.flotilla.snapshot;

import static dev.flotilla.snapshot.TestSnapshots.ANY_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.snapshot.FaultyProxy.Fault;
import dev.flotilla.snapshot.fetch.PlantedBug;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Transfers through a proxy that drops, corrupts, truncates and reorders chunks. Each run prints its seed; replay one
 * with {@code -Dsnapshot.seed=SEED}.
 */
class FaultInjectionTest {
    private static final SnapshotFetcherConfig CONFIG = SnapshotFetcherConfig.defaults()
            .withTimeouts(Duration.ofMillis(300), Duration.ofMillis(100))
            .withRetries(64, 8, 4, Duration.ofMillis(50));

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aTransferSurvivesEachFaultAndFetchesOnlyWhatItLost(Fault fault) throws Exception {
        long seed = seed();
        System.out.println(fault + " seed = " + seed);
        List<String> violations = transferThroughFaults(List.of(fault), seed);
        assertEquals(List.of(), violations, "seed " + seed);
    }

    @Test
    void aTransferSurvivesAllFaultsMixed() throws Exception {
        long seed = seed();
        System.out.println("mixed seed = " + seed);
        assertEquals(List.of(), transferThroughFaults(List.of(Fault.values()), seed), "seed " + seed);
    }

    @Test
    void theCheckerCatchesAReceiverThatSkipsChunkChecksums() throws Exception {
        long seed = seed();
        System.out.println("planted skip-chunk-checksum seed = " + seed);
        List<String> violations = withPlantedBug(
                PlantedBug.SKIP_CHUNK_CHECKSUM, () -> transferThroughFaults(List.of(Fault.CORRUPT), seed));
        System.out.println("the planted bug was caught: " + violations);
        assertFalse(violations.isEmpty(), "corrupt chunks were written and nothing noticed, seed " + seed);
    }

    @Test
    void aSenderWhoseChunksDoNotAddUpToTheFileChecksumIsRefused() throws Exception {
        List<String> violations = fetchFromALyingSender();
        assertEquals(List.of(), violations);
    }

    @Test
    void theCheckerCatchesAReceiverThatSkipsWholeFileChecksums() throws Exception {
        List<String> violations = withPlantedBug(PlantedBug.SKIP_FILE_CHECKSUM, this::fetchFromALyingSender);
        System.out.println("the planted bug was caught: " + violations);
        assertFalse(violations.isEmpty());
    }

    /**
     * The checker of the fault tests: the transfer completes, the files equal the sender's, and the receiver fetched at
     * most one chunk more per corrupted chunk (a dropped or truncated chunk is not received, a reordered one is used).
     */
    private static List<String> transferThroughFaults(List<Fault> faults, long seed) throws Exception {
        List<String> violations = new ArrayList<>();
        try (Scratch scratch = new Scratch()) {
            DirectorySnapshotSource source = new DirectorySnapshotSource(scratch.resolve("sender"));
            SnapshotManifest manifest = TestSnapshots.create(source, scratch.resolve("sender"), "s", seed, 12, 500_000);
            Path target = scratch.resolve("receiver");
            try (SnapshotServer server = SnapshotServer.start(SnapshotServerConfig.defaults(ANY_PORT), source);
                    FaultyProxy proxy = new FaultyProxy(server.address(), faults, 0.15, seed);
                    SnapshotFetcher fetcher = SnapshotFetcher.create(CONFIG)) {
                SnapshotTransfer transfer =
                        fetcher.fetch(FetchRequest.of(target, List.of(new SnapshotLocation(proxy.address(), "s"))));
                try {
                    transfer.result().get(25, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    violations.add("the transfer failed: " + e.getCause());
                    return violations;
                }
                for (SnapshotFile file : manifest.files()) {
                    if (!Arrays.equals(
                            Files.readAllBytes(scratch.resolve("sender/s").resolve(file.name())),
                            Files.readAllBytes(target.resolve(file.name())))) {
                        violations.add(file.name() + " differs from the sender's");
                    }
                }
                long allowed = manifest.totalBytes() + (long) proxy.injected(Fault.CORRUPT) * TestSnapshots.CHUNK_BYTES;
                if (transfer.progress().fetchedBytes() > allowed) {
                    violations.add("fetched " + transfer.progress().fetchedBytes() + " bytes, at most " + allowed
                            + " expected for " + proxy.injected(Fault.CORRUPT) + " corrupted chunks");
                }
                System.out.println("faults injected: " + proxy.injectedTotal() + " " + faults + ", fetched "
                        + transfer.progress().fetchedBytes() + " of " + manifest.totalBytes() + " bytes");
                if (proxy.injectedTotal() == 0) {
                    violations.add("the proxy injected no fault: the test proved nothing");
                }
            }
        }
        return violations;
    }

    /**
     * A sender whose manifest claims a whole-file checksum its (intact, chunk-verified) data does not have: the
     * receiver must refuse the snapshot rather than install it.
     */
    private List<String> fetchFromALyingSender() throws Exception {
        try (Scratch scratch = new Scratch()) {
            Path root = scratch.resolve("sender");
            DirectorySnapshotSource honest = new DirectorySnapshotSource(root);
            SnapshotManifest real = TestSnapshots.create(honest, root, "s", 5, 4, 200_000);
            List<SnapshotFile> files = new ArrayList<>(real.files());
            SnapshotFile victim = files.get(2);
            files.set(
                    2, new SnapshotFile(victim.name(), victim.sizeBytes(), victim.crc32c() ^ 1, victim.chunkCrc32c()));
            SnapshotManifest lie = new SnapshotManifest(7, 1, 1, new byte[0], real.chunkBytes(), files);
            Files.write(root.resolve("s").resolve(DirectorySnapshotSource.MANIFEST_FILE), lie.encode());
            DirectorySnapshotSource lying = new DirectorySnapshotSource(root);
            try (SnapshotServer server = SnapshotServer.start(SnapshotServerConfig.defaults(ANY_PORT), lying);
                    SnapshotFetcher fetcher = SnapshotFetcher.create(CONFIG.withRetries(4, 2, 1, Duration.ZERO))) {
                SnapshotTransfer transfer = fetcher.fetch(
                        FetchRequest.of(scratch.resolve("receiver"), List.of(TestSnapshots.at(server, "s"))));
                try {
                    transfer.result().get(20, TimeUnit.SECONDS);
                    return List.of("a file whose checksum does not match was accepted");
                } catch (ExecutionException e) {
                    SnapshotTransferException failure = (SnapshotTransferException) e.getCause();
                    assertTrue(failure.getMessage().contains("do not add up"), failure.getMessage());
                    assertFalse(
                            Files.exists(scratch.resolve("receiver").resolve(DirectorySnapshotSource.MANIFEST_FILE)));
                    return List.of();
                }
            }
        }
    }

    interface Scenario {
        List<String> run() throws Exception;
    }

    static List<String> withPlantedBug(PlantedBug bug, Scenario scenario) throws Exception {
        System.setProperty(PlantedBug.PROPERTY, bug.name());
        try {
            return scenario.run();
        } finally {
            System.clearProperty(PlantedBug.PROPERTY);
        }
    }

    static long seed() {
        String replay = System.getProperty("snapshot.seed");
        return replay != null ? Long.parseLong(replay) : new Random().nextLong();
    }
}
