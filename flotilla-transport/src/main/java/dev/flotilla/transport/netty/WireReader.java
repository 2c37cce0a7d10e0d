package dev.flotilla.transport.netty;

import io.netty.buffer.ByteBuf;

/**
 * Reads the primitive encodings of docs/wire-protocol.md from the payload of one frame. Every read is checked against
 * the bytes that remain, before anything is allocated: a lying length or count fails with {@link
 * MalformedFrameException}, never with an allocation or an {@link IndexOutOfBoundsException}.
 */
class WireReader {
    private final ByteBuf in;

    WireReader(ByteBuf in) {
        this.in = in;
    }

    int remaining() {
        return in.readableBytes();
    }

    int readUnsignedByte(String what) throws MalformedFrameException {
        requireReadable(1, what);
        return in.readUnsignedByte();
    }

    long readFixedLong(String what) throws MalformedFrameException {
        requireReadable(Long.BYTES, what);
        return in.readLong();
    }

    /** Unsigned LEB128; rejects encodings longer than the shortest form and values beyond 64 bits. */
    long readVarLong(String what) throws MalformedFrameException {
        long value = 0;
        for (int i = 0; i < WireFormat.MAX_VARINT_BYTES; i++) {
            int b = readUnsignedByte(what);
            if (i == WireFormat.MAX_VARINT_BYTES - 1 && b > 1) {
                throw new MalformedFrameException(what + ": varint exceeds 64 bits");
            }
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new MalformedFrameException(what + ": varint not in its shortest form");
                }
                return value;
            }
        }
        throw new MalformedFrameException(what + ": varint exceeds 64 bits");
    }

    /**
     * A count of items that each take at least {@code minBytesPerItem} bytes: at most what the remaining bytes can
     * hold, so that callers may size collections by it.
     */
    int readCount(String what, int minBytesPerItem) throws MalformedFrameException {
        long count = readVarLong(what);
        if (count < 0 || count > remaining() / minBytesPerItem) {
            throw new MalformedFrameException(what + " " + Long.toUnsignedString(count) + " exceeds the " + remaining()
                    + " bytes left in the frame");
        }
        return (int) count;
    }

    /** A length-prefixed byte array. */
    byte[] readBytes(String what) throws MalformedFrameException {
        long length = readVarLong(what + " length");
        if (length < 0 || length > Integer.MAX_VALUE) {
            throw new MalformedFrameException(what + " length " + Long.toUnsignedString(length) + " is too large");
        }
        int size = (int) length;
        if (size == 0) {
            return WireFormat.NO_BYTES;
        }
        requireReadable(size, what);
        byte[] bytes = new byte[size];
        in.readBytes(bytes);
        return bytes;
    }

    /** Fails unless {@code bytes} more bytes remain. The one bounds check every read goes through. */
    void requireReadable(int bytes, String what) throws MalformedFrameException {
        if (in.readableBytes() < bytes) {
            throw new MalformedFrameException(
                    what + ": needs " + bytes + " bytes, only " + in.readableBytes() + " left in the frame");
        }
    }
}
