package dev.flotilla.snapshot.fetch;

import dev.flotilla.snapshot.InvalidManifestException;
import dev.flotilla.snapshot.SnapshotManifest;
import dev.flotilla.snapshot.files.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The receiver's progress file {@value #FILE_NAME} in the target directory: which chunks and files are durably held
 * for which manifest. A header names the manifest; then fixed-size records are appended, each only after the data it
 * describes was synced. A torn last record (crash during an append) is ignored. Format in {@code
 * docs/snapshot-protocol.md}.
 */
final class ProgressJournal implements AutoCloseable {
    static final String FILE_NAME = ".flotilla-progress";
    static final int MAGIC = 0x464C5350;
    static final int VERSION = 1;
    static final int RECORD_BYTES = 1 + 4 + 4 + 4;
    static final byte CHUNK_DURABLE = 1;
    static final byte FILE_VERIFIED = 2;
    static final byte FILE_RESET = 3;

    /** What a progress file says: for each file of its manifest, the durable chunks, and whether it was verified. */
    record Recovered(SnapshotManifest manifest, List<BitSet> chunks, BitSet verifiedFiles) {}

    /** One record to append. */
    record Entry(byte type, int file, int chunk) {}

    private final FileChannel channel;

    private ProgressJournal(FileChannel channel) {
        this.channel = channel;
    }

    /** Replaces the progress file with one for {@code manifest} holding {@code initial}, durably, and opens it. */
    static ProgressJournal create(Path target, SnapshotManifest manifest, List<Entry> initial) throws IOException {
        byte[] encoded = manifest.encode();
        ByteBuffer header = ByteBuffer.allocate(4 + 2 + 4 + encoded.length + 4 + initial.size() * RECORD_BYTES);
        header.putInt(MAGIC).putShort((short) VERSION).putInt(encoded.length).put(encoded);
        header.putInt(crc(header.array(), 0, header.position()));
        initial.forEach(e -> putRecord(header, e));
        Path file = target.resolve(FILE_NAME);
        DurableFiles.writeAtomically(file, header.array());
        return new ProgressJournal(FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
    }

    /** Appends records and syncs them; the data they describe must already be synced. */
    synchronized void append(List<Entry> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        ByteBuffer records = ByteBuffer.allocate(entries.size() * RECORD_BYTES);
        entries.forEach(e -> putRecord(records, e));
        records.flip();
        while (records.hasRemaining()) {
            channel.write(records);
        }
        channel.force(false);
    }

    /** Reads the progress file of {@code target}; empty if there is none or its header is damaged. */
    static Optional<Recovered> read(Path target) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(target.resolve(FILE_NAME));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (in.remaining() < 10 || in.getInt() != MAGIC || in.getShort() != VERSION) {
            return Optional.empty();
        }
        int manifestBytes = in.getInt();
        if (manifestBytes < 0 || manifestBytes > in.remaining() - 4) {
            return Optional.empty();
        }
        int headerEnd = in.position() + manifestBytes;
        if (ByteBuffer.wrap(bytes, headerEnd, 4).getInt() != crc(bytes, 0, headerEnd)) {
            return Optional.empty();
        }
        SnapshotManifest manifest;
        try {
            manifest = SnapshotManifest.decode(java.util.Arrays.copyOfRange(bytes, in.position(), headerEnd));
        } catch (InvalidManifestException e) {
            return Optional.empty();
        }
        List<BitSet> chunks = new ArrayList<>();
        manifest.files().forEach(f -> chunks.add(new BitSet(f.chunkCount())));
        BitSet verified = new BitSet();
        in.position(headerEnd + 4);
        while (in.remaining() >= RECORD_BYTES) {
            int start = in.position();
            byte type = in.get();
            int file = in.getInt();
            int chunk = in.getInt();
            if (in.getInt() != crc(bytes, start, 9) || file < 0 || file >= chunks.size()) {
                break;
            }
            switch (type) {
                case CHUNK_DURABLE -> chunks.get(file).set(chunk);
                case FILE_VERIFIED -> verified.set(file);
                case FILE_RESET -> {
                    chunks.get(file).clear();
                    verified.clear(file);
                }
                default -> {
                    return Optional.of(new Recovered(manifest, chunks, verified));
                }
            }
        }
        return Optional.of(new Recovered(manifest, chunks, verified));
    }

    static void delete(Path target) throws IOException {
        Files.deleteIfExists(target.resolve(FILE_NAME));
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }

    private static void putRecord(ByteBuffer out, Entry e) {
        int start = out.position();
        out.put(e.type()).putInt(e.file()).putInt(e.chunk());
        out.putInt(crc(out.array(), start, 9));
    }

    private static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
