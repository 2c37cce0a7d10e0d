package dev.flotilla.snapshot.wire;

import java.util.UUID;

/** A frame from the receiver to the sender. */
public sealed interface Request {
    /** First frame of every connection: which snapshot, for which transfer. Answered by MANIFEST or ERROR. */
    record Open(int protocolVersion, UUID transferId, String snapshotId) implements Request {}

    /** Asks for one chunk. Answered by CHUNK or ERROR. */
    record Chunk(int file, int chunk) implements Request {}

    /** Renews the transfer's lease while the receiver sends nothing else (e.g. it is throttled). */
    record Ping() implements Request {}

    /** The receiver holds everything: the sender may unpin the snapshot now rather than when the lease expires. */
    record Finish() implements Request {}
}
