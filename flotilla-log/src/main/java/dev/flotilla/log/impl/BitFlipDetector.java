package dev.flotilla.log.impl;

import static dev.flotilla.log.impl.WalFormat.*;

import java.nio.ByteBuffer;

/**
 * Tells a flipped bit from a torn write. Both make the last frame fail its checksum, but a torn write was never
 * acknowledged while a flipped bit damages data that was: cutting it off as a torn tail would lose an acknowledged
 * batch silently. A frame that one flipped bit would make valid is therefore reported as corruption.
 *
 * <p>CRC32C is linear: for messages of equal length, {@code crc(m) ^ crc(m ^ e)} depends only on {@code e}. For a
 * single bit that value is found by running the CRC register from that bit over the zero bytes after it, so every
 * position is tried in one backward pass per bit of a byte, without recomputing the checksum.
 */
final class BitFlipDetector {
    private static final int POLY = 0x82F63B78; // CRC32C, reflected
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i;
            for (int k = 0; k < 8; k++) {
                crc = (crc >>> 1) ^ ((crc & 1) != 0 ? POLY : 0);
            }
            TABLE[i] = crc;
        }
    }

    private BitFlipDetector() {}

    /** Whether flipping one bit of the frame at {@code at} (header or payload) would make it a valid frame. */
    static boolean oneBitFromValid(ByteBuffer segment, int at, long seq) {
        return payloadBitFlip(segment, at, seq) || headerBitFlip(segment, at, seq);
    }

    private static boolean payloadBitFlip(ByteBuffer segment, int at, long seq) {
        int length = segment.getInt(at + FRAME_LENGTH_OFFSET);
        if (length < 0
                || length > segment.limit() - at - FRAME_HEADER_BYTES
                || segment.getLong(at + FRAME_SEQ_OFFSET) != seq) {
            return false;
        }
        int syndrome = segment.getInt(at) ^ frameCrc(segment, at, length);
        if (Integer.bitCount(syndrome) == 1) {
            return true; // the flipped bit is in the stored checksum itself
        }
        int covered = FRAME_HEADER_BYTES - FRAME_LENGTH_OFFSET + length;
        for (int bit = 0; bit < 8; bit++) {
            int register = TABLE[1 << bit];
            for (int fromEnd = 0; fromEnd < covered; fromEnd++) {
                if (register == syndrome) {
                    int byteAt = at + FRAME_LENGTH_OFFSET + covered - 1 - fromEnd;
                    return !couldBeTorn(segment, byteAt, at + FRAME_HEADER_BYTES + length)
                            && parsesWithBitFlipped(segment, at, length, byteAt, bit);
                }
                register = (register >>> 8) ^ TABLE[register & 0xFF];
            }
        }
        return false;
    }

    /**
     * The ambiguous cases, treated as torn writes, as recovery must for the frames a crash really tears
     * (docs/wal-format.md states these limits):
     *
     * <ul>
     *   <li>the valid frame's last non-zero byte has a single bit set and only zeros follow: a write torn just before
     *       that byte, over zeros, leaves exactly what flipping that bit leaves;
     *   <li>the space after the frame holds older data (a recycled segment): a write torn over older data leaves
     *       whatever that data was from the tear on, which may be one bit away from what the frame would have held.
     * </ul>
     */
    private static boolean couldBeTorn(ByteBuffer segment, int byteAt, int frameEnd) {
        return tornOverZeros(segment, byteAt, frameEnd) || olderDataFollows(segment, frameEnd);
    }

    private static boolean tornOverZeros(ByteBuffer segment, int byteAt, int frameEnd) {
        for (int i = byteAt; i < frameEnd; i++) {
            if (segment.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether the bytes up to the end of the next frame header after the frame are not all zero. */
    private static boolean olderDataFollows(ByteBuffer segment, int frameEnd) {
        int end = Math.min(segment.limit(), align(frameEnd) + FRAME_HEADER_BYTES);
        for (int i = frameEnd; i < end; i++) {
            if (segment.get(i) != 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the frame, with the bit flipped back, holds well-formed records. A write torn over zeros matches some
     * single-bit syndrome by chance about once in 2^32 / (8 × frame bytes) tears (once in 50,000 for 10 KiB frames);
     * its records then end in zeroed headers and do not parse, while a real flip in a written frame always does.
     */
    private static boolean parsesWithBitFlipped(ByteBuffer segment, int at, int length, int byteAt, int bit) {
        ByteBuffer frame = ByteBuffer.allocate(FRAME_HEADER_BYTES + length);
        frame.put(segment.duplicate().position(at).limit(at + FRAME_HEADER_BYTES + length));
        frame.put(byteAt - at, (byte) (frame.get(byteAt - at) ^ (1 << bit)));
        try {
            FrameDecoder.decode(frame.flip());
            return true;
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    /** A flip in the length, type or sequence fields changes what the checksum covers, so those are tried one by one. */
    private static boolean headerBitFlip(ByteBuffer segment, int at, long seq) {
        for (int offset = FRAME_LENGTH_OFFSET; offset < FRAME_HEADER_BYTES; offset++) {
            byte original = segment.get(at + offset);
            for (int bit = 0; bit < 8; bit++) {
                segment.put(at + offset, (byte) (original ^ (1 << bit)));
                int validLength = FrameScan.validFrameLength(segment, at, seq);
                segment.put(at + offset, original);
                if (validLength >= 0) {
                    return !couldBeTorn(segment, at + offset, at + FRAME_HEADER_BYTES + validLength);
                }
            }
        }
        return false;
    }
}
