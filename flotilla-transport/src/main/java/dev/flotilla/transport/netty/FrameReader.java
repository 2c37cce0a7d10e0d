package dev.flotilla.transport.netty;

import dev.flotilla.transport.GroupMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;

/**
 * Decodes one frame after its length prefix: version, kind and payload. Pure: the caller has already checked the
 * length prefix against the size limit and holds the whole frame. Either returns a valid frame that consumed every
 * byte, or throws {@link MalformedFrameException}.
 */
final class FrameReader {
    /** Smallest message of the message section: group id, kind, term. */
    private static final int MIN_MESSAGE_BYTES = 3;

    private FrameReader() {}

    /**
     * @param in the frame without its length prefix
     * @param frameBytes the frame's size including the prefix, recorded in a {@link Frame.Batch}
     * @param batchSender the node this connection authenticated, or empty if batches are not accepted on it
     * @param localNodeId this node: the receiver of every message in a batch
     */
    static Frame read(WireReader in, int frameBytes, OptionalLong batchSender, long localNodeId)
            throws MalformedFrameException {
        int version = in.readUnsignedByte("version");
        if (version != WireFormat.VERSION) {
            throw new MalformedFrameException(
                    "unsupported protocol version " + version + " (this node speaks " + WireFormat.VERSION + ")");
        }
        int kind = in.readUnsignedByte("frame kind");
        Frame frame =
                switch (kind) {
                    case WireFormat.KIND_HELLO ->
                        new Frame.Hello(in.readFixedLong("cluster id"), in.readFixedLong("node id"));
                    case WireFormat.KIND_REJECT -> {
                        int code = in.readUnsignedByte("reject reason");
                        yield new Frame.Reject(RejectReason.ofCode(code)
                                .orElseThrow(() -> new MalformedFrameException("unknown reject reason " + code)));
                    }
                    case WireFormat.KIND_BATCH -> {
                        if (batchSender.isEmpty()) {
                            throw new MalformedFrameException("batch frame on a connection that accepts none");
                        }
                        yield new Frame.Batch(readBatch(in, batchSender.getAsLong(), localNodeId), frameBytes);
                    }
                    default -> throw new MalformedFrameException("unknown frame kind " + kind);
                };
        if (in.remaining() != 0) {
            throw new MalformedFrameException(in.remaining() + " bytes after the end of a frame of kind " + kind);
        }
        return frame;
    }

    private static List<GroupMessage> readBatch(WireReader in, long from, long to) throws MalformedFrameException {
        int count = in.readCount("message count", MIN_MESSAGE_BYTES);
        List<GroupMessage> messages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            messages.add(MessageReader.read(in, from, to));
        }
        MergedHeartbeats.read(in, false, from, to, messages);
        MergedHeartbeats.read(in, true, from, to, messages);
        if (messages.isEmpty()) {
            throw new MalformedFrameException("empty batch");
        }
        return Collections.unmodifiableList(messages);
    }
}
