package dev.flotilla.snapshot.fetch;

import dev.flotilla.snapshot.DirectorySnapshotSource;
import dev.flotilla.snapshot.SnapshotFile;
import dev.flotilla.snapshot.SnapshotManifest;
import dev.flotilla.snapshot.files.DurableFiles;
import dev.flotilla.snapshot.wire.FileChecksums;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Readies the target directory for a manifest, keeping everything already held:
 *
 * <ol>
 *   <li>from the progress file of an earlier transfer (any manifest), every verified file and every durable chunk of a
 *       file with the same identity (name, size, checksum) and the same chunk size;
 *   <li>any other file of the target or of a reuse directory with the manifest's name and size whose checksum matches
 *       (read once): hard-linked or copied in, never fetched;
 *   <li>everything else the target holds is deleted, and a new progress file records what was kept.
 * </ol>
 */
final class TargetDirectory {
    private TargetDirectory() {}

    static ReceivedFiles prepare(
            Path target,
            SnapshotManifest manifest,
            List<Path> reuseDirectories,
            long syncEveryBytes,
            PlantedBug plantedBug)
            throws IOException {
        Files.createDirectories(target);
        // The target is incomplete from now until the transfer finishes and writes the manifest file again.
        Files.deleteIfExists(target.resolve(DirectorySnapshotSource.MANIFEST_FILE));
        boolean forget = plantedBug == PlantedBug.FORGET_HELD_FILES;
        Optional<ProgressJournal.Recovered> earlier = forget ? Optional.empty() : ProgressJournal.read(target);
        int files = manifest.files().size();
        List<BitSet> chunks = new ArrayList<>(files);
        BitSet verified = new BitSet(files);
        for (int f = 0; f < files; f++) {
            SnapshotFile file = manifest.files().get(f);
            Optional<Carried> carried = earlier.flatMap(e -> carryOver(e, manifest.chunkBytes(), file, target));
            BitSet held = carried.map(Carried::chunks).orElseGet(BitSet::new);
            boolean whole = carried.map(Carried::verified).orElse(false);
            if (!whole && held.isEmpty()) {
                whole = !forget && takeExisting(target, file, reuseDirectories);
            }
            if (whole) {
                verified.set(f);
                held.set(0, file.chunkCount());
            }
            chunks.add(held);
        }
        deleteUnlisted(target, manifest);
        DurableFiles.syncDirectory(target);
        List<ProgressJournal.Entry> initial = new ArrayList<>();
        for (int f = 0; f < files; f++) {
            if (verified.get(f)) {
                initial.add(new ProgressJournal.Entry(ProgressJournal.FILE_VERIFIED, f, 0));
            } else {
                BitSet held = chunks.get(f);
                for (int c = held.nextSetBit(0); c >= 0; c = held.nextSetBit(c + 1)) {
                    initial.add(new ProgressJournal.Entry(ProgressJournal.CHUNK_DURABLE, f, c));
                }
            }
        }
        ProgressJournal journal = ProgressJournal.create(target, manifest, initial);
        return new ReceivedFiles(target, manifest, journal, chunks, verified, syncEveryBytes, plantedBug);
    }

    /** What an earlier transfer durably held of a file. */
    private record Carried(BitSet chunks, boolean verified) {}

    /** What an earlier transfer recorded for a file of the same identity, if its data is still there. */
    private static Optional<Carried> carryOver(
            ProgressJournal.Recovered earlier, int chunkBytes, SnapshotFile file, Path target) {
        if (earlier.manifest().chunkBytes() != chunkBytes || !Files.isRegularFile(target.resolve(file.name()))) {
            return Optional.empty();
        }
        List<SnapshotFile> earlierFiles = earlier.manifest().files();
        for (int i = 0; i < earlierFiles.size(); i++) {
            if (earlierFiles.get(i).sameIdentity(file)) {
                return Optional.of(new Carried(
                        (BitSet) earlier.chunks().get(i).clone(),
                        earlier.verifiedFiles().get(i)));
            }
        }
        return Optional.empty();
    }

    /** Keeps or brings in a file with the same identity from the target or a reuse directory; else clears the name. */
    private static boolean takeExisting(Path target, SnapshotFile file, List<Path> reuseDirectories)
            throws IOException {
        Path destination = target.resolve(file.name());
        if (hasIdentity(destination, file)) {
            return true;
        }
        Files.deleteIfExists(destination);
        for (Path directory : reuseDirectories) {
            Path candidate = directory.resolve(file.name());
            if (hasIdentity(candidate, file)) {
                linkOrCopy(candidate, destination);
                return true;
            }
        }
        return false;
    }

    private static boolean hasIdentity(Path path, SnapshotFile file) throws IOException {
        return Files.isRegularFile(path)
                && Files.size(path) == file.sizeBytes()
                && FileChecksums.crc32c(path, file.sizeBytes()) == file.crc32c();
    }

    private static void linkOrCopy(Path source, Path destination) throws IOException {
        try {
            Files.createLink(destination, source);
        } catch (FileSystemException | UnsupportedOperationException e) {
            Files.copy(source, destination, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel channel = FileChannel.open(destination, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        }
    }

    private static void deleteUnlisted(Path target, SnapshotManifest manifest) throws IOException {
        Set<String> names = new HashSet<>();
        manifest.files().forEach(f -> names.add(f.name()));
        names.add(ProgressJournal.FILE_NAME);
        try (Stream<Path> list = Files.list(target)) {
            for (Path path : list.toList()) {
                if (!names.contains(path.getFileName().toString()) && Files.isRegularFile(path)) {
                    Files.delete(path);
                }
            }
        }
    }
}
