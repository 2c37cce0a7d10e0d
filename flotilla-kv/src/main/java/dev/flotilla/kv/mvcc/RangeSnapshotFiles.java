package dev.flotilla.kv.mvcc;

import dev.flotilla.snapshot.DirectorySnapshotSource;
import dev.flotilla.snapshot.SnapshotFile;
import dev.flotilla.snapshot.SnapshotManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.rocksdb.EnvOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.IngestExternalFileOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;
import org.rocksdb.SstFileWriter;
import org.rocksdb.WriteOptions;

/**
 * A range's file snapshot (docs/kv-server.md, "Range snapshots"): every key of the range, its meta record included,
 * written from a RocksDB snapshot with {@link SstFileWriter} into files {@code range-<id>-<n>.sst} of at most about
 * {@code maxFileBytes}, in key order; and the ingestion of such files in place of the range's keys.
 *
 * <p>Why {@link SstFileWriter} and not RocksDB's own table files: rocksdbjni 11.8 cannot ingest files a DB generated
 * (no {@code allow_db_generated_files}), and {@code ExportImportFilesMetaData} does not cross nodes.
 */
public final class RangeSnapshotFiles {
    /**
     * Where a test stops an install, as if the node crashed there: read from the system property {@value
     * #CRASH_POINT_PROPERTY} at each install; never set outside tests.
     */
    public enum CrashPoint {
        NONE,
        AFTER_DELETE,
        AFTER_INGEST
    }

    public static final String CRASH_POINT_PROPERTY = "flotilla.kv.snapshot.crash-point";

    private static CrashPoint crashPoint() {
        return CrashPoint.valueOf(System.getProperty(CRASH_POINT_PROPERTY, "none")
                .toUpperCase(java.util.Locale.ROOT)
                .replace('-', '_'));
    }

    private RangeSnapshotFiles() {}

    /**
     * Writes the range as {@code snapshot} sees it into {@code directory}; syncs each file. Any thread; the caller
     * releases the snapshot.
     */
    static void write(RocksDB db, Snapshot snapshot, long rangeId, Path directory, long maxFileBytes)
            throws RocksDBException {
        try (Options options = new Options();
                EnvOptions env = new EnvOptions()) {
            SstFileWriter writer = null;
            int fileNumber = 0;
            try {
                for (byte[][] span : KeyCodec.rangeSpans(rangeId)) {
                    try (Slice upper = new Slice(span[1]);
                            ReadOptions bounded = new ReadOptions()
                                    .setSnapshot(snapshot)
                                    .setFillCache(false)
                                    .setIterateUpperBound(upper);
                            RocksIterator it = db.newIterator(bounded)) {
                        for (it.seek(span[0]); it.isValid(); it.next()) {
                            if (writer != null && writer.fileSize() >= maxFileBytes) {
                                writer.finish();
                                writer.close();
                                writer = null;
                            }
                            if (writer == null) {
                                writer = new SstFileWriter(env, options);
                                writer.open(directory
                                        .resolve(fileName(rangeId, fileNumber++))
                                        .toString());
                            }
                            writer.put(it.key(), it.value());
                        }
                        it.status();
                    }
                }
                if (writer == null) {
                    throw new IllegalStateException("range " + rangeId + " has no meta record to snapshot");
                }
                writer.finish();
            } finally {
                if (writer != null) {
                    writer.close();
                }
            }
        }
    }

    static String fileName(long rangeId, int number) {
        return String.format("range-%d-%06d.sst", rangeId, number);
    }

    /**
     * The snapshot's files, after checking that the directory's manifest is for this range at this index.
     *
     * @throws IllegalArgumentException if it is not
     */
    static List<Path> verifiedFiles(Path directory, long rangeId, long appliedIndex) {
        SnapshotManifest manifest;
        try {
            manifest = DirectorySnapshotSource.readManifest(directory)
                    .orElseThrow(() -> new IllegalArgumentException(directory + " holds no snapshot manifest"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (manifest.groupId() != rangeId || manifest.appliedIndex() != appliedIndex) {
            throw new IllegalArgumentException("the snapshot in " + directory + " is of range " + manifest.groupId()
                    + " at " + manifest.appliedIndex() + ", not of range " + rangeId + " at " + appliedIndex);
        }
        List<Path> files = new ArrayList<>();
        for (SnapshotFile file : manifest.files()) {
            if (!file.name().startsWith("range-" + rangeId + "-")
                    || !file.name().endsWith(".sst")) {
                throw new IllegalArgumentException("the snapshot in " + directory + " holds " + file.name()
                        + ", not a table file of range " + rangeId);
            }
            files.add(directory.resolve(file.name()));
        }
        return files;
    }

    /**
     * Replaces the range's keys by {@code files}: deletes every span of the range, flushes that deletion, then ingests
     * hard links of the files (made in {@code scratch}; RocksDB moves them in, and the originals stay for reuse). The
     * files' meta record carries the applied index. A crash between the flush and the ingestion leaves the range
     * empty, with no meta record; the runtime then installs the files again.
     */
    static void install(RocksDB db, WriteOptions writeOptions, long rangeId, List<Path> files, Path scratch)
            throws RocksDBException, IOException {
        deleteTree(scratch);
        Files.createDirectories(scratch);
        List<String> links = new ArrayList<>();
        for (Path file : files) {
            Path link = scratch.resolve(file.getFileName());
            try {
                Files.createLink(link, file);
            } catch (FileSystemException | UnsupportedOperationException e) {
                Files.copy(file, link);
            }
            links.add(link.toString());
        }
        if (PlantedSnapshotBug.active() != PlantedSnapshotBug.KEEP_OLD_KEYS) {
            for (byte[][] span : KeyCodec.rangeSpans(rangeId)) {
                db.deleteRange(writeOptions, span[0], span[1]);
            }
        }
        // The WAL is off: the deletion must be in a table file before the new keys are, or a crash could bring the
        // old keys back under the new ones.
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush);
        }
        if (crashPoint() == CrashPoint.AFTER_DELETE) {
            throw new SimulatedCrash(CrashPoint.AFTER_DELETE);
        }
        try (IngestExternalFileOptions ingest = new IngestExternalFileOptions()
                .setMoveFiles(true)
                .setAllowBlockingFlush(true)
                // Never rewrite the files: they are hard links of the snapshot kept for the next transfer.
                .setWriteGlobalSeqno(false)) {
            db.ingestExternalFile(links, ingest);
        }
        deleteTree(scratch);
        if (crashPoint() == CrashPoint.AFTER_INGEST) {
            throw new SimulatedCrash(CrashPoint.AFTER_INGEST);
        }
    }

    /** Thrown at a {@link CrashPoint}; the test then closes the database as a crash would leave it. */
    static final class SimulatedCrash extends RuntimeException {
        SimulatedCrash(CrashPoint point) {
            super("simulated crash " + point);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
