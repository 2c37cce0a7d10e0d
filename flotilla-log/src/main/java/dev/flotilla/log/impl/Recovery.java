package dev.flotilla.log.impl;

import static dev.flotilla.log.impl.WalFormat.*;

import dev.flotilla.log.LogCorruptionException;
import dev.flotilla.log.RecoveryMode;
import dev.flotilla.log.file.LogDirectory;
import dev.flotilla.log.file.LogFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds every group from the segment files, oldest first, and decides what a damaged frame means (see
 * docs/log-engine.md, "Recovery"): damage followed by valid data is corruption, reported with file and offset; damage
 * at the very end is a torn write, cut off under {@link RecoveryMode#TOLERATE_TAIL_CORRUPTION}.
 */
final class Recovery {
    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    /** A damaged frame at the end of a segment, which is a torn tail only if no later segment holds a valid frame. */
    private record SuspectTail(Segment segment, int offset, int length) {}

    /** A segment file read into memory, ahead of its replay. */
    private record Loaded(LogFile file, ByteBuffer data) {}

    private final LogDirectory directory;
    private final RecoveryMode mode;
    private final Segments segments;
    private final GroupTable groups;
    private final Executor reader;
    private final List<String> spares = new ArrayList<>();
    /** Two buffers: the reader fills one while the other is replayed. */
    private final ByteBuffer[] buffers = {ByteBuffer.allocateDirect(0), ByteBuffer.allocateDirect(0)};

    private long highestSeq;
    private SuspectTail suspect;

    private Recovery(LogDirectory directory, RecoveryMode mode, Segments segments, GroupTable groups, Executor reader) {
        this.directory = directory;
        this.mode = mode;
        this.segments = segments;
        this.groups = groups;
        this.reader = reader;
    }

    /** What recovery found: spare files to reuse and the sequence number the next segment takes. */
    record Outcome(List<String> spares, long nextSeq) {}

    /** @param reader reads the next segment while the current one is replayed (a direct executor reads in turn) */
    static Outcome run(LogDirectory directory, RecoveryMode mode, Segments segments, GroupTable groups, Executor reader)
            throws IOException {
        return new Recovery(directory, mode, segments, groups, reader).run();
    }

    private Outcome run() throws IOException {
        TreeMap<Long, String> segmentFiles = new TreeMap<>();
        for (String name : directory.list()) {
            OptionalLong seq = seqOf(name, SEGMENT_SUFFIX);
            if (seq.isPresent()) {
                segmentFiles.put(seq.getAsLong(), name);
                continue;
            }
            OptionalLong spare = seqOf(name, SPARE_SUFFIX);
            OptionalLong temp = seqOf(name, TEMP_SUFFIX);
            if (spare.isPresent()) {
                spares.add(name);
                highestSeq = Math.max(highestSeq, spare.getAsLong());
            } else if (temp.isPresent()) {
                directory.delete(name); // a segment whose preparation never finished
                highestSeq = Math.max(highestSeq, temp.getAsLong());
            }
        }
        List<Map.Entry<Long, String>> files = new ArrayList<>(segmentFiles.entrySet());
        CompletableFuture<Loaded> next =
                files.isEmpty() ? null : load(files.get(0).getValue(), 0);
        for (int i = 0; i < files.size(); i++) {
            Loaded current = await(next);
            next = i + 1 < files.size() ? load(files.get(i + 1).getValue(), (i + 1) % 2) : null;
            highestSeq = Math.max(highestSeq, files.get(i).getKey());
            replay(files.get(i).getKey(), files.get(i).getValue(), current);
        }
        if (suspect != null) {
            cutTornTail();
        }
        for (GroupIndex group : groups.all()) {
            if (!group.consistent()) {
                throw new IOException("group " + group.groupId + " recovered with first index " + group.firstIndex()
                        + " after snapshot " + group.snapshotIndex() + ": the log is missing records");
            }
        }
        directory.sync();
        return new Outcome(spares, highestSeq + 1);
    }

    private void replay(long seq, String name, Loaded loaded) throws IOException {
        LogFile file = loaded.file();
        ByteBuffer data = loaded.data();
        if (data.limit() < FILE_HEADER_BYTES || !isFileHeader(data.duplicate().limit(FILE_HEADER_BYTES), seq)) {
            int valid = FrameScan.nextValidFrame(data, FILE_HEADER_BYTES, seq);
            if (valid >= 0) {
                throw new LogCorruptionException(name, 0, "bad file header, but a valid frame follows at " + valid);
            }
            // Never prepared completely (a crash while recycling or creating it): a spare, not a segment.
            file.close();
            String spare = spareName(seq);
            directory.rename(name, spare);
            spares.add(spare);
            return;
        }
        Segment segment = new Segment(seq, file, FILE_HEADER_BYTES);
        segments.add(segment);
        int at = FILE_HEADER_BYTES;
        while (true) {
            int length = FrameScan.validFrameLength(data, at, seq);
            if (length < 0) {
                segment.end = at;
                if (length == FrameScan.BAD || FrameScan.nextValidFrame(data, at + 1, seq) >= 0) {
                    damaged(segment, data, at);
                }
                return;
            }
            if (suspect != null) {
                throw new LogCorruptionException(
                        suspect.segment().name,
                        suspect.offset(),
                        "damaged frame, but " + name + " holds valid frames written after it");
            }
            applyFrame(segment, data, at, length);
            at = align(at + FRAME_HEADER_BYTES + length);
        }
    }

    private void damaged(Segment segment, ByteBuffer data, int at) throws LogCorruptionException {
        int next = FrameScan.nextValidFrame(data, at + 1, segment.seq);
        if (next >= 0) {
            throw new LogCorruptionException(
                    segment.name, at, "damaged frame (checksum or header), but a valid frame follows at " + next);
        }
        if (BitFlipDetector.oneBitFromValid(data, at, segment.seq)) {
            throw new LogCorruptionException(
                    segment.name,
                    at,
                    "a frame with one flipped bit: media corruption of written data, not a torn write");
        }
        suspect = new SuspectTail(segment, at, FrameScan.damagedLength(data, at, segment.seq));
    }

    private void applyFrame(Segment segment, ByteBuffer data, int at, int length) throws LogCorruptionException {
        List<GroupRecord> records;
        try {
            records = FrameDecoder.decode(data.duplicate().position(at).limit(at + FRAME_HEADER_BYTES + length));
        } catch (IllegalArgumentException e) {
            throw new LogCorruptionException(segment.name, at, "checksum matches but " + e.getMessage());
        }
        for (GroupRecord record : records) {
            groups.apply(record, segment, at);
        }
    }

    private void cutTornTail() throws IOException {
        Segment segment = suspect.segment();
        if (mode == RecoveryMode.ABSOLUTE_CONSISTENCY) {
            throw new LogCorruptionException(
                    segment.name,
                    suspect.offset(),
                    "torn tail of " + suspect.length() + " bytes; ABSOLUTE_CONSISTENCY refuses to drop it");
        }
        segment.file.write(ByteBuffer.allocate(FRAME_HEADER_BYTES), suspect.offset());
        segment.file.force();
        log.warn(
                "Dropped a torn tail of {} bytes at offset {} of {} (a write that was never acknowledged)",
                suspect.length(),
                suspect.offset(),
                segment.name);
    }

    private CompletableFuture<Loaded> load(String name, int bufferIndex) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        LogFile file = directory.open(name, false);
                        return new Loaded(file, readWhole(file, bufferIndex));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                reader);
    }

    private static Loaded await(CompletableFuture<Loaded> loading) throws IOException {
        try {
            return loading.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw e;
        }
    }

    private ByteBuffer readWhole(LogFile file, int bufferIndex) throws IOException {
        long size = file.size();
        if (size > Integer.MAX_VALUE) {
            throw new IOException("segment larger than 2 GiB: " + size);
        }
        if (buffers[bufferIndex].capacity() < size) {
            buffers[bufferIndex] = ByteBuffer.allocateDirect((int) size);
        }
        ByteBuffer buffer = buffers[bufferIndex].order(ORDER).clear().limit((int) size);
        file.read(buffer, 0);
        return buffer.flip();
    }
}
