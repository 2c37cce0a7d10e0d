package dev.flotilla.log.impl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.zip.CRC32C;

/**
 * Constants and small codecs of the on-disk format. {@code docs/wal-format.md} is the source of truth; every constant
 * here is named and explained there. All integers are little-endian.
 */
final class WalFormat {
    private WalFormat() {}

    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    // Segment file header.
    static final byte[] FILE_MAGIC = "FLOTILLA".getBytes(StandardCharsets.US_ASCII);
    static final int FORMAT_VERSION = 1;
    static final int FILE_HEADER_BYTES = 32;
    /** The header CRC covers bytes [0, 24). */
    static final int FILE_HEADER_CRC_OFFSET = 24;

    // Frame: crc32c u32 | length u32 | type u8 | 7 zero bytes | segment seq u64 | payload | zero padding to 8.
    static final int FRAME_HEADER_BYTES = 24;
    static final int FRAME_ALIGNMENT = 8;
    static final int FRAME_LENGTH_OFFSET = 4;
    static final int FRAME_TYPE_OFFSET = 8;
    static final int FRAME_SEQ_OFFSET = 16;
    static final byte FRAME_TYPE_BATCH = 1;

    // Group record flags, in the order their parts appear and apply.
    static final int FLAG_RESET = 0x20;
    static final int FLAG_SNAPSHOT = 0x01;
    static final int FLAG_TRUNCATE = 0x02;
    static final int FLAG_ENTRIES = 0x04;
    static final int FLAG_HARD_STATE = 0x08;
    static final int FLAG_REMOVE = 0x10;
    static final int KNOWN_FLAGS = 0x3F;

    /** Entry header: term u64 | type u8 | data length u32. */
    static final int ENTRY_HEADER_BYTES = 13;

    static final String SEGMENT_SUFFIX = ".wal";
    static final String SPARE_SUFFIX = ".spare";
    static final String TEMP_SUFFIX = ".tmp";

    static String segmentName(long seq) {
        return String.format("%016x%s", seq, SEGMENT_SUFFIX);
    }

    static String spareName(long seq) {
        return String.format("%016x%s", seq, SPARE_SUFFIX);
    }

    static String tempName(long seq) {
        return String.format("%016x%s", seq, TEMP_SUFFIX);
    }

    /** The sequence number in a segment, spare or temp file name, or empty for any other file. */
    static OptionalLong seqOf(String name, String suffix) {
        if (!name.endsWith(suffix) || name.length() != 16 + suffix.length()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseUnsignedLong(name.substring(0, 16), 16));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    static int align(long position) {
        return (int) ((position + FRAME_ALIGNMENT - 1) & -FRAME_ALIGNMENT);
    }

    static ByteBuffer fileHeader(long seq) {
        ByteBuffer header = ByteBuffer.allocate(FILE_HEADER_BYTES).order(ORDER);
        header.put(FILE_MAGIC).putInt(FORMAT_VERSION).putInt(0).putLong(seq);
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 0, FILE_HEADER_CRC_OFFSET);
        header.putInt((int) crc.getValue()).putInt(0);
        return header.flip();
    }

    /** Whether {@code header} (32 bytes from its position) is a valid header of segment {@code seq}. */
    static boolean isFileHeader(ByteBuffer header, long seq) {
        ByteBuffer h = header.duplicate().order(ORDER);
        if (h.remaining() < FILE_HEADER_BYTES) {
            return false;
        }
        int start = h.position();
        for (int i = 0; i < FILE_MAGIC.length; i++) {
            if (h.get(start + i) != FILE_MAGIC[i]) {
                return false;
            }
        }
        CRC32C crc = new CRC32C();
        h.limit(start + FILE_HEADER_CRC_OFFSET);
        crc.update(h);
        h.limit(start + FILE_HEADER_BYTES);
        return h.getInt(start + 8) == FORMAT_VERSION
                && h.getLong(start + 16) == seq
                && h.getInt(start + FILE_HEADER_CRC_OFFSET) == (int) crc.getValue();
    }

    /** CRC32C of a frame: bytes [4, 24 + length) from {@code frameStart}, i.e. the header after the CRC, then payload. */
    static int frameCrc(ByteBuffer buffer, int frameStart, int payloadLength) {
        ByteBuffer covered = buffer.duplicate();
        covered.limit(frameStart + FRAME_HEADER_BYTES + payloadLength).position(frameStart + FRAME_LENGTH_OFFSET);
        CRC32C crc = new CRC32C();
        crc.update(covered);
        return (int) crc.getValue();
    }
}
