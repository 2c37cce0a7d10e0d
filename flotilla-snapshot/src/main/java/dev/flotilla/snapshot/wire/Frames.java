package dev.flotilla.snapshot.wire;

import dev.flotilla.snapshot.InvalidManifestException;
import dev.flotilla.snapshot.SnapshotFile;
import dev.flotilla.snapshot.SnapshotManifest;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The frames of the snapshot protocol (big-endian): {@code length u32 | type u8 | body}, where length counts the type
 * and the body. See {@code docs/snapshot-protocol.md}.
 */
public final class Frames {
    public static final int PROTOCOL_VERSION = 1;

    public static final int OPEN = 1;
    public static final int CHUNK_REQUEST = 2;
    public static final int PING = 3;
    public static final int FINISH = 4;
    public static final int MANIFEST = 11;
    public static final int CHUNK = 12;
    public static final int ERROR = 13;

    /** Longest snapshot id, in characters (same alphabet as file names). */
    public static final int MAX_SNAPSHOT_ID_CHARS = SnapshotManifest.MAX_NAME_CHARS;
    /** Largest request frame, length prefix excluded: an OPEN with the longest id. */
    public static final int MAX_REQUEST_BYTES = 1 + 2 + 16 + 2 + MAX_SNAPSHOT_ID_CHARS;
    /** Bytes of a CHUNK frame before the data: length, type, file, chunk, crc32c. */
    public static final int CHUNK_HEADER_BYTES = 4 + 1 + 4 + 4 + 4;
    /** Longest error message sent. */
    public static final int MAX_ERROR_MESSAGE_BYTES = 1024;

    private Frames() {}

    public static byte[] encode(Request request) {
        if (request instanceof Request.Open open) {
            byte[] id = open.snapshotId().getBytes(StandardCharsets.US_ASCII);
            ByteBuffer b = frame(OPEN, 2 + 16 + 2 + id.length);
            b.putShort((short) open.protocolVersion());
            b.putLong(open.transferId().getMostSignificantBits());
            b.putLong(open.transferId().getLeastSignificantBits());
            return b.putShort((short) id.length).put(id).array();
        } else if (request instanceof Request.Chunk chunk) {
            return frame(CHUNK_REQUEST, 8)
                    .putInt(chunk.file())
                    .putInt(chunk.chunk())
                    .array();
        } else if (request instanceof Request.Ping) {
            return frame(PING, 0).array();
        } else {
            return frame(FINISH, 0).array();
        }
    }

    /**
     * Decodes a request body: the bytes after the length prefix, type first.
     *
     * @throws ProtocolException if the body is not exactly one valid request
     */
    public static Request decodeRequest(ByteBuffer body) throws ProtocolException {
        try {
            int type = Byte.toUnsignedInt(body.get());
            Request request =
                    switch (type) {
                        case OPEN -> {
                            int version = Short.toUnsignedInt(body.getShort());
                            UUID transferId = new UUID(body.getLong(), body.getLong());
                            int idLength = Short.toUnsignedInt(body.getShort());
                            if (idLength != body.remaining()) {
                                throw new ProtocolException(
                                        "OPEN: snapshot id of " + idLength + " bytes, frame has " + body.remaining());
                            }
                            byte[] id = new byte[idLength];
                            body.get(id);
                            yield new Request.Open(version, transferId, checkSnapshotId(id));
                        }
                        case CHUNK_REQUEST -> new Request.Chunk(body.getInt(), body.getInt());
                        case PING -> new Request.Ping();
                        case FINISH -> new Request.Finish();
                        default -> throw new ProtocolException("unknown request type " + type);
                    };
            if (body.hasRemaining()) {
                throw new ProtocolException("request of type " + type + " has " + body.remaining() + " extra bytes");
            }
            return request;
        } catch (BufferUnderflowException e) {
            throw new ProtocolException("request frame ends early");
        }
    }

    /** A MANIFEST frame. */
    public static byte[] manifest(byte[] encodedManifest) {
        return frame(MANIFEST, encodedManifest.length).put(encodedManifest).array();
    }

    /** The header of a CHUNK frame; the {@code length} data bytes follow it on the wire. */
    public static byte[] chunkHeader(int file, int chunk, int crc32c, int length) {
        ByteBuffer b = ByteBuffer.allocate(CHUNK_HEADER_BYTES);
        b.putInt(1 + 12 + length).put((byte) CHUNK).putInt(file).putInt(chunk).putInt(crc32c);
        return b.array();
    }

    /** An ERROR frame; the message is cut to {@value #MAX_ERROR_MESSAGE_BYTES} bytes. */
    public static byte[] error(ErrorCode code, String message) {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, MAX_ERROR_MESSAGE_BYTES);
        return frame(ERROR, 1 + 2 + length)
                .put((byte) code.code())
                .putShort((short) length)
                .put(text, 0, length)
                .array();
    }

    /** Checks a snapshot id: the same rule as file names, so it is safe as a directory name. */
    public static String checkSnapshotId(byte[] id) throws ProtocolException {
        String text = new String(id, StandardCharsets.ISO_8859_1);
        try {
            SnapshotFile.checkName(text);
        } catch (InvalidManifestException e) {
            throw new ProtocolException("invalid snapshot id: " + e.getMessage());
        }
        return text;
    }

    private static ByteBuffer frame(int type, int bodyBytes) {
        ByteBuffer b = ByteBuffer.allocate(4 + 1 + bodyBytes);
        return b.putInt(1 + bodyBytes).put((byte) type);
    }
}
