package dev.flotilla.log.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.flotilla.log.GroupWrite;
import dev.flotilla.raft.Entry;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BitFlipDetectorTest {
    private static ByteBuffer frame(long seq) {
        FrameEncoder encoder = new FrameEncoder(4096);
        byte[] data = new byte[300];
        new Random(1).nextBytes(data);
        encoder.addWrite(GroupWrite.entries(3, List.of(Entry.normal(1, 1, data), Entry.normal(2, 1, data))));
        ByteBuffer frame = encoder.finish(seq);
        ByteBuffer copy = ByteBuffer.allocate(frame.remaining() + 64).order(WalFormat.ORDER);
        copy.put(frame).clear();
        return copy;
    }

    @Test
    void everySingleFlippedBitIsRecognised() {
        ByteBuffer frame = frame(9);
        int length = frame.getInt(WalFormat.FRAME_LENGTH_OFFSET);
        assertEquals(length, FrameScan.validFrameLength(frame, 0, 9));
        for (int offset = 0; offset < WalFormat.FRAME_HEADER_BYTES + length; offset++) {
            for (int bit = 0; bit < 8; bit++) {
                frame.put(offset, (byte) (frame.get(offset) ^ (1 << bit)));
                assertEquals(FrameScan.BAD, FrameScan.validFrameLength(frame, 0, 9), offset + "/" + bit);
                assertEquals(
                        !lastSetBitCleared(frame, offset, WalFormat.FRAME_HEADER_BYTES + length),
                        BitFlipDetector.oneBitFromValid(frame, 0, 9),
                        "bit " + bit + " of byte " + offset);
                frame.put(offset, (byte) (frame.get(offset) ^ (1 << bit)));
            }
        }
    }

    /** The ambiguous case the detector leaves to the torn-tail rule: the byte is now zero and so is all that follows. */
    static boolean lastSetBitCleared(ByteBuffer frame, int offset, int end) {
        for (int i = offset; i < end; i++) {
            if (frame.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    void aTornFrameIsNotMistakenForAFlippedBit() {
        ByteBuffer frame = frame(9);
        int length = frame.getInt(WalFormat.FRAME_LENGTH_OFFSET);
        for (int cut = WalFormat.FRAME_HEADER_BYTES + 1; cut < WalFormat.FRAME_HEADER_BYTES + length; cut += 7) {
            ByteBuffer torn = frame(9);
            for (int i = cut; i < torn.capacity(); i++) {
                torn.put(i, (byte) 0);
            }
            assertEquals(FrameScan.BAD, FrameScan.validFrameLength(torn, 0, 9));
            assertFalse(BitFlipDetector.oneBitFromValid(torn, 0, 9), "cut at " + cut);
        }
    }

    /**
     * A recycled segment holds older data: a write torn one byte before its end leaves the older byte there, which may
     * be one bit away from the frame's. Found by the whole-system simulator (no bug planted), whose node then refused to
     * start.
     */
    @Test
    void aTearOverOlderDataIsNotMistakenForAFlippedBit() {
        ByteBuffer frame = frame(9);
        int end = WalFormat.FRAME_HEADER_BYTES + frame.getInt(WalFormat.FRAME_LENGTH_OFFSET);
        for (int i = end; i < frame.capacity(); i++) {
            frame.put(i, (byte) 0x5A); // an older frame's bytes
        }
        frame.put(end - 1, (byte) (frame.get(end - 1) ^ 0x04));
        assertEquals(FrameScan.BAD, FrameScan.validFrameLength(frame, 0, 9));
        assertFalse(BitFlipDetector.oneBitFromValid(frame, 0, 9));
    }

    @Test
    void aFrameOfAnotherSegmentIsNeverValid() {
        ByteBuffer frame = frame(9);
        assertEquals(FrameScan.BAD, FrameScan.validFrameLength(frame, 0, 10));
    }
}
