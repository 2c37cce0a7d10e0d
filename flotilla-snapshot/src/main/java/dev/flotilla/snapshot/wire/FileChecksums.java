package dev.flotilla.snapshot.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/** CRC32C (Castagnoli, as {@link CRC32C}) of whole files and of their chunks, read sequentially. */
public final class FileChecksums {
    private static final int READ_BYTES = 1 << 20;

    /** The whole-file checksum and one checksum per chunk. */
    public record Checksums(long sizeBytes, int crc32c, int[] chunkCrc32c) {}

    private FileChecksums() {}

    /** Reads {@code file} once and computes both the whole-file and the per-chunk checksums. */
    public static Checksums compute(Path file, int chunkBytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            int[] chunks = new int[Math.toIntExact((size + chunkBytes - 1) / chunkBytes)];
            ByteBuffer buffer = ByteBuffer.allocateDirect(Math.min(READ_BYTES, chunkBytes));
            CRC32C whole = new CRC32C();
            for (int i = 0; i < chunks.length; i++) {
                CRC32C chunk = new CRC32C();
                long start = (long) i * chunkBytes;
                long end = Math.min(size, start + chunkBytes);
                for (long at = start; at < end; ) {
                    buffer.clear().limit((int) Math.min(buffer.capacity(), end - at));
                    at += readFully(channel, buffer, at);
                    buffer.flip();
                    chunk.update(buffer.duplicate());
                    whole.update(buffer);
                }
                chunks[i] = (int) chunk.getValue();
            }
            return new Checksums(size, (int) whole.getValue(), chunks);
        }
    }

    /** CRC32C of the first {@code sizeBytes} of {@code file}; fails if the file is shorter. */
    public static int crc32c(Path file, long sizeBytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(READ_BYTES);
            CRC32C crc = new CRC32C();
            for (long at = 0; at < sizeBytes; ) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), sizeBytes - at));
                at += readFully(channel, buffer, at);
                crc.update(buffer.flip());
            }
            return (int) crc.getValue();
        }
    }

    /** CRC32C of the bytes between the buffer's position and limit; the buffer is left unchanged. */
    public static int crc32c(ByteBuffer data) {
        CRC32C crc = new CRC32C();
        crc.update(data.duplicate());
        return (int) crc.getValue();
    }

    private static int readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        int total = 0;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + total);
            if (n < 0) {
                throw new IOException("unexpected end of file at " + (position + total));
            }
            total += n;
        }
        return total;
    }
}
