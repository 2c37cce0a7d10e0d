package dev.flotilla.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Snapshot directories of random files for tests, and checks that a fetched directory equals its source. */
final class TestSnapshots {
    static final int CHUNK_BYTES = 64 << 10;
    static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

    private TestSnapshots() {}

    /**
     * Writes {@code files} files of random sizes up to {@code maxFileBytes} (the first one empty) into {@code
     * root/id} and publishes them.
     */
    static SnapshotManifest create(
            DirectorySnapshotSource source, Path root, String id, long seed, int files, int maxFileBytes)
            throws IOException {
        Random random = new Random(seed);
        Path directory = Files.createDirectories(root.resolve(id));
        for (int i = 0; i < files; i++) {
            byte[] bytes = new byte[i == 0 ? 0 : 1 + random.nextInt(maxFileBytes)];
            random.nextBytes(bytes);
            Files.write(directory.resolve(String.format("%06d.sst", i)), bytes);
        }
        return source.publish(id, 7, 1000 + seed, 3, new byte[] {1, 2, 3}, CHUNK_BYTES);
    }

    /** Adds one file to a snapshot directory (before it is published). */
    static void addFile(Path directory, String name, long seed, int bytes) {
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        try {
            Files.write(directory.resolve(name), data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The target holds exactly the manifest's files with the source's bytes, plus the manifest file. */
    static void assertSameFiles(Path source, Path target, SnapshotManifest manifest) throws IOException {
        for (SnapshotFile file : manifest.files()) {
            assertArrayEquals(
                    Files.readAllBytes(source.resolve(file.name())),
                    Files.readAllBytes(target.resolve(file.name())),
                    file.name() + " differs");
        }
        try (Stream<Path> list = Files.list(target)) {
            List<String> names =
                    list.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(manifest.files().size() + 1, names.size(), "files in the target: " + names);
        }
        assertEquals(manifest, DirectorySnapshotSource.readManifest(target).orElseThrow());
    }

    static SnapshotLocation at(SnapshotServer server, String id) {
        return new SnapshotLocation(server.address(), id);
    }
}
