package dev.flotilla.transport.netty;

import dev.flotilla.raft.Message.Heartbeat;
import dev.flotilla.raft.Message.HeartbeatResponse;
import dev.flotilla.transport.GroupMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/** Encodes frames (docs/wire-protocol.md, "Frames"). */
final class FrameWriter {
    private FrameWriter() {}

    /** A batch frame and the number of messages in it. */
    record EncodedBatch(ByteBuf frame, int messageCount) {}

    static ByteBuf hello(ByteBufAllocator alloc, long clusterId, long nodeId) {
        ByteBuf frame = alloc.buffer(WireFormat.MAX_HANDSHAKE_FRAME_BYTES);
        frame.writeInt(WireFormat.HEADER_BYTES + WireFormat.HELLO_PAYLOAD_BYTES);
        frame.writeByte(WireFormat.VERSION);
        frame.writeByte(WireFormat.KIND_HELLO);
        frame.writeLong(clusterId);
        frame.writeLong(nodeId);
        return frame;
    }

    static ByteBuf reject(ByteBufAllocator alloc, RejectReason reason) {
        ByteBuf frame = alloc.buffer(WireFormat.LENGTH_PREFIX_BYTES + WireFormat.HEADER_BYTES + 1);
        frame.writeInt(WireFormat.HEADER_BYTES + WireFormat.REJECT_PAYLOAD_BYTES);
        frame.writeByte(WireFormat.VERSION);
        frame.writeByte(WireFormat.KIND_REJECT);
        frame.writeByte(reason.code());
        return frame;
    }

    /** The largest {@link QueuedMessage#maxEncodedBytes()} that fits a frame of {@code maxFrameBytes}. */
    static long maxMessageBytes(int maxFrameBytes) {
        return maxFrameBytes - WireFormat.MAX_BATCH_OVERHEAD_BYTES;
    }

    /**
     * Encodes {@code messages} as batch frames of at most {@code maxFrameBytes} each: one frame unless they do not
     * fit. Every message must fit alone ({@link #maxMessageBytes}).
     */
    static List<EncodedBatch> batches(ByteBufAllocator alloc, List<QueuedMessage> messages, int maxFrameBytes) {
        long budget = maxMessageBytes(maxFrameBytes);
        List<EncodedBatch> frames = new ArrayList<>(1);
        int start = 0;
        long bytes = 0;
        for (int i = 0; i < messages.size(); i++) {
            long size = messages.get(i).maxEncodedBytes();
            if (size > budget) {
                throw new IllegalArgumentException("message of up to " + size + " bytes exceeds the frame limit");
            }
            if (bytes + size > budget) {
                frames.add(batch(alloc, messages.subList(start, i), bytes));
                start = i;
                bytes = 0;
            }
            bytes += size;
        }
        if (start < messages.size()) {
            frames.add(batch(alloc, messages.subList(start, messages.size()), bytes));
        }
        return frames;
    }

    private static EncodedBatch batch(ByteBufAllocator alloc, List<QueuedMessage> messages, long maxPayloadBytes) {
        List<GroupMessage> regular = new ArrayList<>(messages.size());
        List<GroupMessage> heartbeats = new ArrayList<>();
        List<GroupMessage> responses = new ArrayList<>();
        for (QueuedMessage queued : messages) {
            GroupMessage message = queued.message();
            if (message.message() instanceof Heartbeat) {
                heartbeats.add(message);
            } else if (message.message() instanceof HeartbeatResponse) {
                responses.add(message);
            } else {
                regular.add(message);
            }
        }
        ByteBuf frame = alloc.ioBuffer((int) (maxPayloadBytes + WireFormat.MAX_BATCH_OVERHEAD_BYTES));
        frame.writeInt(0);
        frame.writeByte(WireFormat.VERSION);
        frame.writeByte(WireFormat.KIND_BATCH);
        WireWriter out = new WireWriter(frame);
        out.writeVarLong(regular.size());
        for (GroupMessage message : regular) {
            MessageWriter.write(out, message);
        }
        MergedHeartbeats.write(out, heartbeats);
        MergedHeartbeats.write(out, responses);
        frame.setInt(0, frame.readableBytes() - WireFormat.LENGTH_PREFIX_BYTES);
        return new EncodedBatch(frame, messages.size());
    }
}
