package dev.flotilla.snapshot.fetch;

import dev.flotilla.snapshot.DirectorySnapshotSource;
import dev.flotilla.snapshot.SnapshotFile;
import dev.flotilla.snapshot.SnapshotManifest;
import dev.flotilla.snapshot.files.DurableFiles;
import dev.flotilla.snapshot.wire.FileChecksums;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The files of one manifest being received into the target directory, and their durable progress. Stream threads call
 * {@link #write} concurrently. Every {@code syncEveryBytes}, the data of the chunks written since the last sync is
 * synced, then those chunks are recorded in the progress file: a chunk is never recorded before its data is durable.
 * The sync runs on a background thread so that streams keep receiving meanwhile; a stream waits for it only when
 * twice {@code syncEveryBytes} are unsynced, which bounds what a crash can make the receiver fetch again.
 */
final class ReceivedFiles implements AutoCloseable {
    private final Path target;
    private final SnapshotManifest manifest;
    private final ProgressJournal journal;
    private final long syncEveryBytes;
    private final PlantedBug plantedBug;
    private final FileChannel[] channels;
    private final BitSet[] written;
    private final int[] missing;
    private final BitSet verified;
    private final List<ProgressJournal.Entry> unsynced = new ArrayList<>();
    private long unsyncedBytes;
    private final Object syncLock = new Object();
    private boolean syncQueued;
    private final AtomicReference<IOException> backgroundFailure = new AtomicReference<>();
    private final ExecutorService syncer = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "flotilla-snapshot-sync");
        thread.setDaemon(true);
        return thread;
    });

    ReceivedFiles(
            Path target,
            SnapshotManifest manifest,
            ProgressJournal journal,
            List<BitSet> durableChunks,
            BitSet verifiedFiles,
            long syncEveryBytes,
            PlantedBug plantedBug) {
        this.target = target;
        this.manifest = manifest;
        this.journal = journal;
        this.syncEveryBytes = syncEveryBytes;
        this.plantedBug = plantedBug;
        int files = manifest.files().size();
        this.channels = new FileChannel[files];
        this.written = new BitSet[files];
        this.missing = new int[files];
        this.verified = (BitSet) verifiedFiles.clone();
        for (int i = 0; i < files; i++) {
            written[i] = (BitSet) durableChunks.get(i).clone();
            int count = manifest.files().get(i).chunkCount();
            missing[i] = verified.get(i) ? 0 : count - written[i].cardinality();
            if (verified.get(i)) {
                written[i].set(0, count);
            }
        }
    }

    SnapshotManifest manifest() {
        return manifest;
    }

    /** The chunks still to fetch, as {@link ChunkQueue} keys, in file order. */
    synchronized List<Long> missingChunks() {
        List<Long> keys = new ArrayList<>();
        for (int f = 0; f < written.length; f++) {
            int count = manifest.files().get(f).chunkCount();
            for (int c = written[f].nextClearBit(0); c < count; c = written[f].nextClearBit(c + 1)) {
                keys.add(ChunkQueue.key(f, c));
            }
        }
        return keys;
    }

    /** Files whose chunks are all written but which are not verified yet (e.g. the last chunk was durable at a crash). */
    synchronized List<Integer> unverifiedCompleteFiles() {
        List<Integer> files = new ArrayList<>();
        for (int f = 0; f < written.length; f++) {
            if (!verified.get(f) && missing[f] == 0) {
                files.add(f);
            }
        }
        return files;
    }

    synchronized long missingBytes() {
        long bytes = 0;
        for (int f = 0; f < written.length; f++) {
            int count = manifest.files().get(f).chunkCount();
            for (int c = written[f].nextClearBit(0); c < count; c = written[f].nextClearBit(c + 1)) {
                bytes += manifest.chunkLength(f, c);
            }
        }
        return bytes;
    }

    synchronized int verifiedCount() {
        return verified.cardinality();
    }

    synchronized boolean allVerified() {
        return verified.cardinality() == written.length;
    }

    /**
     * Writes a verified chunk at its place in its file.
     *
     * @return whether this was the file's last missing chunk (the caller then calls {@link #verify})
     */
    boolean write(int file, int chunk, ByteBuffer data) throws IOException {
        FileChannel channel = channel(file);
        long position = (long) chunk * manifest.chunkBytes();
        ByteBuffer remaining = data.duplicate();
        while (remaining.hasRemaining()) {
            position += channel.write(remaining, position);
        }
        boolean syncInBackground;
        boolean syncNow;
        boolean completesFile;
        synchronized (this) {
            if (written[file].get(chunk)) {
                return false;
            }
            written[file].set(chunk);
            completesFile = --missing[file] == 0;
            unsynced.add(new ProgressJournal.Entry(ProgressJournal.CHUNK_DURABLE, file, chunk));
            unsyncedBytes += data.remaining();
            syncNow = unsyncedBytes >= 2 * syncEveryBytes;
            syncInBackground = !syncNow && !syncQueued && unsyncedBytes >= syncEveryBytes;
            syncQueued |= syncInBackground;
        }
        throwIfBackgroundSyncFailed();
        if (syncNow) {
            sync();
        } else if (syncInBackground) {
            syncer.execute(this::backgroundSync);
        }
        return completesFile;
    }

    private void backgroundSync() {
        synchronized (this) {
            syncQueued = false;
        }
        try {
            sync();
        } catch (IOException e) {
            backgroundFailure.compareAndSet(null, e);
        }
    }

    private void throwIfBackgroundSyncFailed() throws IOException {
        IOException failure = backgroundFailure.get();
        if (failure != null) {
            throw failure;
        }
    }

    /** Syncs the data of every chunk written so far, then records those chunks as durable. */
    void sync() throws IOException {
        synchronized (syncLock) {
            List<ProgressJournal.Entry> entries;
            BitSet files = new BitSet();
            synchronized (this) {
                entries = List.copyOf(unsynced);
                unsynced.clear();
                unsyncedBytes = 0;
            }
            entries.forEach(e -> files.set(e.file()));
            for (int f = files.nextSetBit(0); f >= 0; f = files.nextSetBit(f + 1)) {
                channel(f).force(false);
            }
            journal.append(entries);
        }
    }

    /**
     * Checks a file whose chunks are all written against its whole-file checksum. If it matches, the file is synced,
     * closed and recorded as verified. If not, its chunks are forgotten (recorded as a reset) so that it is fetched
     * again, and this returns false.
     */
    boolean verify(int file) throws IOException {
        SnapshotFile expected = manifest.files().get(file);
        FileChannel channel = channel(file); // creates an empty file, which has no chunk to write
        boolean matches = plantedBug == PlantedBug.SKIP_FILE_CHECKSUM
                || FileChecksums.crc32c(target.resolve(expected.name()), expected.sizeBytes()) == expected.crc32c();
        synchronized (syncLock) {
            if (matches) {
                channel.force(false);
                journal.append(List.of(new ProgressJournal.Entry(ProgressJournal.FILE_VERIFIED, file, 0)));
                synchronized (this) {
                    verified.set(file);
                    channels[file] = null;
                }
                channel.close();
                return true;
            }
            synchronized (this) {
                unsynced.removeIf(e -> e.file() == file);
                written[file].clear();
                missing[file] = expected.chunkCount();
            }
            journal.append(List.of(new ProgressJournal.Entry(ProgressJournal.FILE_RESET, file, 0)));
            return false;
        }
    }

    /** Makes the whole snapshot durable and marks the directory complete with the manifest file. */
    void finish() throws IOException {
        throwIfBackgroundSyncFailed();
        sync();
        DurableFiles.writeAtomically(target.resolve(DirectorySnapshotSource.MANIFEST_FILE), manifest.encode());
        journal.close();
        ProgressJournal.delete(target);
        DurableFiles.syncDirectory(target);
    }

    @Override
    public void close() throws IOException {
        syncer.shutdown();
        try {
            syncer.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeChannels();
    }

    private synchronized void closeChannels() throws IOException {
        for (int f = 0; f < channels.length; f++) {
            if (channels[f] != null) {
                channels[f].close();
                channels[f] = null;
            }
        }
        journal.close();
    }

    private synchronized FileChannel channel(int file) throws IOException {
        if (channels[file] == null) {
            channels[file] = FileChannel.open(
                    target.resolve(manifest.files().get(file).name()),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
        }
        return channels[file];
    }
}
