package dev.flotilla.snapshot.wire;

/** A frame from the sender to the receiver, as {@link ResponseReader} returns it. */
public sealed interface Response {
    /** The manifest of the snapshot the connection opened, encoded. */
    record Manifest(byte[] encoded) implements Response {}

    /** A chunk whose {@code length} bytes were read into the caller's buffer, not yet verified. */
    record Chunk(int file, int chunk, int crc32c, int length) implements Response {}

    /** A refusal; the sender closes the connection after it. */
    record Error(ErrorCode code, String message) implements Response {}
}
