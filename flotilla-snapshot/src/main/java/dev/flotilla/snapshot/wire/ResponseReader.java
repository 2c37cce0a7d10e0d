package dev.flotilla.snapshot.wire;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the sender's frames from a blocking channel. A CHUNK's length is checked against what the manifest expects for
 * that chunk before a byte of data is read, and the data goes into the caller's buffer: nothing is allocated for it.
 */
public final class ResponseReader {
    /** What the receiver expects: the length of a chunk, or -1 if the manifest has no such chunk. */
    @FunctionalInterface
    public interface ChunkLengths {
        int expectedLength(int file, int chunk);
    }

    private static final int INITIAL_MANIFEST_BYTES = 64 << 10;

    private final ReadableByteChannel in;
    private final ByteBuffer header = ByteBuffer.allocate(5);
    private final ByteBuffer chunkHeader = ByteBuffer.allocate(12);

    public ResponseReader(ReadableByteChannel in) {
        this.in = in;
    }

    /**
     * Reads one frame. For a CHUNK, the data is in {@code data} between position 0 and its limit.
     *
     * @throws ProtocolException if the frame is malformed or names a chunk of the wrong length
     * @throws IOException if the connection fails or ends
     */
    public Response next(ByteBuffer data, ChunkLengths lengths) throws IOException {
        readFully(header.clear());
        int length = header.flip().getInt();
        int type = Byte.toUnsignedInt(header.get());
        if (length < 1) {
            throw new ProtocolException("frame length " + Integer.toUnsignedString(length));
        }
        return switch (type) {
            case Frames.MANIFEST -> readManifest(length - 1);
            case Frames.CHUNK -> readChunk(length - 1, data, lengths);
            case Frames.ERROR -> readError(length - 1);
            default -> throw new ProtocolException("unknown response type " + type);
        };
    }

    private Response readManifest(int bodyBytes) throws IOException {
        if (bodyBytes > ManifestCodec.MAX_ENCODED_BYTES) {
            throw new ProtocolException("manifest frame of " + bodyBytes + " bytes");
        }
        // Grown as bytes arrive: a declared length alone never makes the receiver allocate.
        byte[] body = new byte[Math.min(bodyBytes, INITIAL_MANIFEST_BYTES)];
        int filled = 0;
        while (filled < bodyBytes) {
            if (filled == body.length) {
                body = Arrays.copyOf(body, (int) Math.min(bodyBytes, 2L * body.length));
            }
            ByteBuffer window = ByteBuffer.wrap(body, filled, body.length - filled);
            readFully(window);
            filled = body.length;
        }
        return new Response.Manifest(body);
    }

    private Response readChunk(int bodyBytes, ByteBuffer data, ChunkLengths lengths) throws IOException {
        if (bodyBytes < 12) {
            throw new ProtocolException("chunk frame of " + bodyBytes + " bytes");
        }
        readFully(chunkHeader.clear());
        chunkHeader.flip();
        int file = chunkHeader.getInt();
        int chunk = chunkHeader.getInt();
        int crc = chunkHeader.getInt();
        int dataBytes = bodyBytes - 12;
        int expected = lengths.expectedLength(file, chunk);
        if (expected < 0) {
            throw new ProtocolException("chunk " + file + "/" + chunk + " is not in the manifest");
        }
        if (dataBytes != expected || dataBytes > data.capacity()) {
            throw new ProtocolException(
                    "chunk " + file + "/" + chunk + " has " + dataBytes + " bytes, expected " + expected);
        }
        readFully(data.clear().limit(dataBytes));
        data.flip();
        return new Response.Chunk(file, chunk, crc, dataBytes);
    }

    private Response readError(int bodyBytes) throws IOException {
        if (bodyBytes < 3 || bodyBytes > 3 + Frames.MAX_ERROR_MESSAGE_BYTES) {
            throw new ProtocolException("error frame of " + bodyBytes + " bytes");
        }
        ByteBuffer body = ByteBuffer.allocate(bodyBytes);
        readFully(body);
        body.flip();
        int code = Byte.toUnsignedInt(body.get());
        int messageBytes = Short.toUnsignedInt(body.getShort());
        if (messageBytes != body.remaining()) {
            throw new ProtocolException("error message of " + messageBytes + " bytes, frame has " + body.remaining());
        }
        ErrorCode errorCode = ErrorCode.of(code).orElseThrow(() -> new ProtocolException("unknown error code " + code));
        String message = StandardCharsets.UTF_8.decode(body).toString();
        return new Response.Error(errorCode, message);
    }

    private void readFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (in.read(buffer) < 0) {
                throw new EOFException("the sender closed the connection");
            }
        }
    }
}
