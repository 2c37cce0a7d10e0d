package dev.flotilla.snapshot.wire;

import dev.flotilla.snapshot.InvalidManifestException;
import dev.flotilla.snapshot.SnapshotFile;
import dev.flotilla.snapshot.SnapshotManifest;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The binary manifest, version {@value #VERSION} (big-endian; {@code docs/snapshot-protocol.md} is the specification):
 *
 * <pre>
 * magic u32 "FLSM" | version u16 | group u64 | applied index u64 | term u64
 * | configuration length u32 | configuration bytes | chunk bytes u32 | file count u32
 * | per file: name length u16 | name (ASCII) | size u64 | crc32c u32 | chunk crc32c u32 × ceil(size / chunk bytes)
 * | crc32c u32 of all the bytes before it
 * </pre>
 *
 * Decoding checks every count against the bytes that remain before allocating, so its memory is bounded by the input.
 */
public final class ManifestCodec {
    public static final int MAGIC = 0x464C534D;
    public static final int VERSION = 1;
    /** Largest encoded manifest accepted. */
    public static final int MAX_ENCODED_BYTES = 32 << 20;

    private static final int FIXED_HEADER_BYTES = 4 + 2 + 8 + 8 + 8 + 4 + 4 + 4;
    private static final int MIN_FILE_BYTES = 2 + 1 + 8 + 4;

    private ManifestCodec() {}

    public static byte[] encode(SnapshotManifest manifest) {
        byte[] configuration = manifest.configuration();
        long length = FIXED_HEADER_BYTES + configuration.length + 4L;
        for (SnapshotFile file : manifest.files()) {
            length += 2 + file.name().length() + 8 + 4 + 4L * file.chunkCount();
        }
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(length));
        out.putInt(MAGIC).putShort((short) VERSION);
        out.putLong(manifest.groupId()).putLong(manifest.appliedIndex()).putLong(manifest.term());
        out.putInt(configuration.length).put(configuration);
        out.putInt(manifest.chunkBytes()).putInt(manifest.files().size());
        for (SnapshotFile file : manifest.files()) {
            byte[] name = file.name().getBytes(StandardCharsets.US_ASCII);
            out.putShort((short) name.length)
                    .put(name)
                    .putLong(file.sizeBytes())
                    .putInt(file.crc32c());
            for (int i = 0; i < file.chunkCount(); i++) {
                out.putInt(file.chunkCrc32c(i));
            }
        }
        out.putInt(crc(out.array(), out.position()));
        return out.array();
    }

    public static SnapshotManifest decode(byte[] bytes) {
        if (bytes.length < FIXED_HEADER_BYTES + 4 || bytes.length > MAX_ENCODED_BYTES) {
            throw new InvalidManifestException("manifest has " + bytes.length + " bytes, outside ["
                    + (FIXED_HEADER_BYTES + 4) + ", " + MAX_ENCODED_BYTES + "]");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, bytes.length - 4);
        int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
        if (stored != crc(bytes, bytes.length - 4)) {
            throw new InvalidManifestException("manifest checksum does not match its bytes");
        }
        try {
            return decodeBody(in);
        } catch (BufferUnderflowException e) {
            throw new InvalidManifestException("manifest ends early");
        }
    }

    private static SnapshotManifest decodeBody(ByteBuffer in) {
        int magic = in.getInt();
        if (magic != MAGIC) {
            throw new InvalidManifestException("not a manifest (magic " + Integer.toHexString(magic) + ")");
        }
        int version = Short.toUnsignedInt(in.getShort());
        if (version != VERSION) {
            throw new InvalidManifestException("manifest version " + version + ", this build reads " + VERSION);
        }
        long groupId = in.getLong();
        long appliedIndex = in.getLong();
        long term = in.getLong();
        byte[] configuration = new byte[checkedLength(in.getInt(), 1, in, "configuration")];
        in.get(configuration);
        int chunkBytes = in.getInt();
        if (chunkBytes < SnapshotManifest.MIN_CHUNK_BYTES || chunkBytes > SnapshotManifest.MAX_CHUNK_BYTES) {
            throw new InvalidManifestException("chunk size " + chunkBytes + " is outside ["
                    + SnapshotManifest.MIN_CHUNK_BYTES + ", " + SnapshotManifest.MAX_CHUNK_BYTES + "]");
        }
        int fileCount = in.getInt();
        if (fileCount < 0 || fileCount > SnapshotManifest.MAX_FILES) {
            throw new InvalidManifestException(
                    "file count " + Integer.toUnsignedString(fileCount) + " above " + SnapshotManifest.MAX_FILES);
        }
        checkedLength(fileCount, MIN_FILE_BYTES, in, "file list");
        List<SnapshotFile> files = new ArrayList<>(fileCount);
        for (int i = 0; i < fileCount; i++) {
            files.add(decodeFile(in, chunkBytes));
        }
        if (in.hasRemaining()) {
            throw new InvalidManifestException(in.remaining() + " bytes after the last file");
        }
        return new SnapshotManifest(groupId, appliedIndex, term, configuration, chunkBytes, files);
    }

    private static SnapshotFile decodeFile(ByteBuffer in, int chunkBytes) {
        int nameLength = Short.toUnsignedInt(in.getShort());
        if (nameLength > SnapshotManifest.MAX_NAME_CHARS) {
            throw new InvalidManifestException(
                    "file name of " + nameLength + " bytes, longer than " + SnapshotManifest.MAX_NAME_CHARS);
        }
        byte[] nameBytes = new byte[checkedLength(nameLength, 1, in, "file name")];
        in.get(nameBytes);
        for (byte b : nameBytes) {
            if (b < 0x20 || b > 0x7e) {
                throw new InvalidManifestException("file name has a byte outside printable ASCII: " + (b & 0xff));
            }
        }
        String name = new String(nameBytes, StandardCharsets.US_ASCII);
        SnapshotFile.checkName(name);
        long size = in.getLong();
        if (size < 0 || size > SnapshotManifest.MAX_FILE_BYTES) {
            throw new InvalidManifestException("file " + name + ": size " + Long.toUnsignedString(size)
                    + " is outside [0, " + SnapshotManifest.MAX_FILE_BYTES + "]");
        }
        int crc = in.getInt();
        long chunks = (size + chunkBytes - 1) / chunkBytes;
        if (chunks > SnapshotManifest.MAX_TOTAL_CHUNKS) {
            throw new InvalidManifestException(
                    "file " + name + " has " + chunks + " chunks, more than " + SnapshotManifest.MAX_TOTAL_CHUNKS);
        }
        int[] chunkCrcs = new int[checkedLength((int) chunks, 4, in, "chunk checksums of " + name)];
        for (int i = 0; i < chunkCrcs.length; i++) {
            chunkCrcs[i] = in.getInt();
        }
        return new SnapshotFile(name, size, crc, chunkCrcs);
    }

    /** Rejects a count whose elements of {@code unitBytes} could not fit in what remains, before anything allocates. */
    private static int checkedLength(int count, int unitBytes, ByteBuffer in, String what) {
        if (count < 0 || (long) count * unitBytes > in.remaining()) {
            throw new InvalidManifestException(what + ": " + Integer.toUnsignedString(count) + " entries of "
                    + unitBytes + " bytes do not fit in the " + in.remaining() + " bytes left");
        }
        return count;
    }

    private static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
