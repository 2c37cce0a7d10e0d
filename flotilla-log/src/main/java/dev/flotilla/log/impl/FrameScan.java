package dev.flotilla.log.impl;

import static dev.flotilla.log.impl.WalFormat.*;

import java.nio.ByteBuffer;

/** Classifies what lies at a position of a segment held in memory: a valid frame, the zero end marker, or damage. */
final class FrameScan {
    private FrameScan() {}

    /** Sentinel returned by {@link #validFrameLength} for the zero end marker. */
    static final int END = -1;
    /** Sentinel returned by {@link #validFrameLength} for anything that is neither a valid frame nor the end. */
    static final int BAD = -2;

    /**
     * @param segment the whole segment file, from offset 0
     * @return the payload length of a valid frame of segment {@code seq} at {@code at}; {@link #END} for 24 zero bytes
     *     or a position too close to the end of the file for a frame header; {@link #BAD} otherwise
     */
    static int validFrameLength(ByteBuffer segment, int at, long seq) {
        int size = segment.limit();
        if (at + FRAME_HEADER_BYTES > size) {
            return END;
        }
        if (isZero(segment, at, FRAME_HEADER_BYTES)) {
            return END;
        }
        return plausibleHeader(segment, at, seq) && checksumMatches(segment, at) ? segment.getInt(at + 4) : BAD;
    }

    /** First position after {@code from} (aligned) where a valid frame of segment {@code seq} starts, or -1. */
    static int nextValidFrame(ByteBuffer segment, int from, long seq) {
        int size = segment.limit();
        for (int at = align(from); at + FRAME_HEADER_BYTES <= size; at += FRAME_ALIGNMENT) {
            if (segment.getLong(at + FRAME_SEQ_OFFSET) == seq
                    && plausibleHeader(segment, at, seq)
                    && checksumMatches(segment, at)) {
                return at;
            }
        }
        return -1;
    }

    /** How many bytes a damaged frame at {@code at} spans: its declared length if its header is whole, else up to the next zero marker. */
    static int damagedLength(ByteBuffer segment, int at, long seq) {
        int size = segment.limit();
        if (plausibleHeader(segment, at, seq)) {
            return Math.min(size - at, align(FRAME_HEADER_BYTES + segment.getInt(at + 4)));
        }
        int end = align(at + 1);
        while (end + FRAME_HEADER_BYTES <= size && !isZero(segment, end, FRAME_HEADER_BYTES)) {
            end += FRAME_ALIGNMENT;
        }
        return Math.min(size, end) - at;
    }

    private static boolean plausibleHeader(ByteBuffer segment, int at, long seq) {
        int length = segment.getInt(at + FRAME_LENGTH_OFFSET);
        if (segment.getLong(at + FRAME_SEQ_OFFSET) != seq
                || segment.get(at + FRAME_TYPE_OFFSET) != FRAME_TYPE_BATCH
                || length < 0
                || length > segment.limit() - at - FRAME_HEADER_BYTES) {
            return false;
        }
        return isZero(segment, at + FRAME_TYPE_OFFSET + 1, FRAME_SEQ_OFFSET - FRAME_TYPE_OFFSET - 1);
    }

    private static boolean checksumMatches(ByteBuffer segment, int at) {
        return segment.getInt(at) == frameCrc(segment, at, segment.getInt(at + FRAME_LENGTH_OFFSET));
    }

    private static boolean isZero(ByteBuffer segment, int at, int length) {
        for (int i = 0; i < length; i++) {
            if (segment.get(at + i) != 0) {
                return false;
            }
        }
        return true;
    }
}
