package dev.flotilla.snapshot;

import dev.flotilla.snapshot.files.DurableFiles;
import dev.flotilla.snapshot.wire.FileChecksums;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Snapshots as directories: snapshot {@code id} is the directory {@code root/id}, holding its files and the manifest
 * file {@value #MANIFEST_FILE}. A directory is served only once {@link #publish} has written its manifest, and the files
 * must not change after that. A directory filled by {@link SnapshotFetcher#fetch} ends with the same manifest file, so a
 * receiver can serve what it fetched.
 *
 * <p>Thread-safe. {@link #delete} refuses while a transfer pins the snapshot.
 */
public final class DirectorySnapshotSource implements SnapshotSource {
    /** Name of the manifest file in a snapshot directory; file names in a manifest never start with a dot. */
    public static final String MANIFEST_FILE = ".flotilla-manifest";

    private final Path root;
    private final Map<String, SnapshotManifest> manifests = new HashMap<>();
    private final Map<String, Integer> pins = new HashMap<>();

    public DirectorySnapshotSource(Path root) {
        this.root = root;
    }

    /**
     * Describes the files of {@code root/snapshotId} (every regular file whose name does not start with a dot; reading
     * each once for its checksums), writes the manifest file durably, and serves the snapshot from then on.
     *
     * @throws InvalidManifestException if a file name is not allowed in a manifest, or a limit is exceeded
     */
    public SnapshotManifest publish(
            String snapshotId, long groupId, long appliedIndex, long term, byte[] configuration, int chunkBytes)
            throws IOException {
        SnapshotFile.checkName(snapshotId);
        Path directory = root.resolve(snapshotId);
        List<SnapshotFile> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(directory)) {
            for (Path path : list.sorted().toList()) {
                String name = path.getFileName().toString();
                if (name.startsWith(".") || !Files.isRegularFile(path)) {
                    continue;
                }
                FileChecksums.Checksums sums = FileChecksums.compute(path, chunkBytes);
                files.add(new SnapshotFile(name, sums.sizeBytes(), sums.crc32c(), sums.chunkCrc32c()));
            }
        }
        SnapshotManifest manifest = new SnapshotManifest(groupId, appliedIndex, term, configuration, chunkBytes, files);
        DurableFiles.writeAtomically(directory.resolve(MANIFEST_FILE), manifest.encode());
        synchronized (this) {
            manifests.put(snapshotId, manifest);
        }
        return manifest;
    }

    /**
     * The manifest of a snapshot directory, if it has a valid manifest file.
     *
     * @throws InvalidManifestException if the manifest file is there but invalid
     */
    public static Optional<SnapshotManifest> readManifest(Path directory) throws IOException {
        try {
            return Optional.of(SnapshotManifest.decode(Files.readAllBytes(directory.resolve(MANIFEST_FILE))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Reads the manifest file the first time a snapshot is pinned, under the lock so that it cannot race a delete. */
    @Override
    public synchronized Optional<PinnedSnapshot> pin(String snapshotId) {
        SnapshotFile.checkName(snapshotId);
        Optional<SnapshotManifest> manifest = manifest(snapshotId);
        if (manifest.isEmpty()) {
            return Optional.empty();
        }
        pins.merge(snapshotId, 1, Integer::sum);
        return Optional.of(new DirectoryPin(snapshotId, manifest.get(), root.resolve(snapshotId)));
    }

    /** Number of transfers that currently pin the snapshot. */
    public synchronized int pinCount(String snapshotId) {
        return pins.getOrDefault(snapshotId, 0);
    }

    /**
     * Deletes snapshot {@code snapshotId} unless a transfer pins it.
     *
     * @return whether it was deleted (or did not exist)
     */
    public boolean delete(String snapshotId) throws IOException {
        synchronized (this) {
            if (pinCount(snapshotId) > 0) {
                return false;
            }
            manifests.remove(snapshotId);
            // Remove the manifest first: from here on, pin() cannot find the snapshot.
            Files.deleteIfExists(root.resolve(snapshotId).resolve(MANIFEST_FILE));
        }
        Path directory = root.resolve(snapshotId);
        if (Files.isDirectory(directory)) {
            try (Stream<Path> list = Files.list(directory)) {
                for (Path file : list.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(directory);
        }
        return true;
    }

    private Optional<SnapshotManifest> manifest(String snapshotId) {
        SnapshotManifest known = manifests.get(snapshotId);
        if (known != null) {
            return Optional.of(known);
        }
        try {
            Optional<SnapshotManifest> read = readManifest(root.resolve(snapshotId));
            read.ifPresent(m -> manifests.put(snapshotId, m));
            return read;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private synchronized void unpin(String snapshotId) {
        pins.computeIfPresent(snapshotId, (id, count) -> count == 1 ? null : count - 1);
    }

    private final class DirectoryPin implements PinnedSnapshot {
        private final String snapshotId;
        private final SnapshotManifest manifest;
        private final Path directory;
        private boolean closed;

        DirectoryPin(String snapshotId, SnapshotManifest manifest, Path directory) {
            this.snapshotId = snapshotId;
            this.manifest = manifest;
            this.directory = directory;
        }

        @Override
        public SnapshotManifest manifest() {
            return manifest;
        }

        @Override
        public Path file(int index) {
            return directory.resolve(manifest.files().get(index).name());
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                unpin(snapshotId);
            }
        }
    }
}
