package dev.flotilla.transport.netty;

import io.netty.buffer.ByteBuf;

/** Writes the primitive encodings of docs/wire-protocol.md ("Primitives") to a buffer. */
final class WireWriter {
    private final ByteBuf out;

    WireWriter(ByteBuf out) {
        this.out = out;
    }

    void writeByte(int value) {
        out.writeByte(value);
    }

    /** Unsigned LEB128, shortest form. Negative values take ten bytes. */
    void writeVarLong(long value) {
        long rest = value;
        while ((rest & ~0x7FL) != 0) {
            out.writeByte((int) ((rest & 0x7F) | 0x80));
            rest >>>= 7;
        }
        out.writeByte((int) rest);
    }

    void writeBytes(byte[] bytes) {
        writeVarLong(bytes.length);
        out.writeBytes(bytes);
    }

    /** Upper bound of {@link #writeBytes}. */
    static long maxBytesOf(byte[] bytes) {
        return WireFormat.MAX_LENGTH_VARINT_BYTES + (long) bytes.length;
    }
}
