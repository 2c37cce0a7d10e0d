package dev.flotilla.transport.netty;

import dev.flotilla.raft.Message;
import dev.flotilla.transport.GroupMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/** Encodes and decodes whole frames as byte arrays, for codec tests. */
final class TestFrames {
    static final int LARGE_FRAME_BYTES = 1 << 20;

    private TestFrames() {}

    static List<byte[]> encode(List<GroupMessage> messages, int maxFrameBytes) {
        List<QueuedMessage> queued = messages.stream().map(QueuedMessage::of).toList();
        List<byte[]> frames = new ArrayList<>();
        for (FrameWriter.EncodedBatch batch :
                FrameWriter.batches(UnpooledByteBufAllocator.DEFAULT, queued, maxFrameBytes)) {
            frames.add(ByteBufUtil.getBytes(batch.frame()));
            batch.frame().release();
        }
        return frames;
    }

    static byte[] encodeOne(List<GroupMessage> messages) {
        List<byte[]> frames = encode(messages, LARGE_FRAME_BYTES);
        if (frames.size() != 1) {
            throw new AssertionError("expected one frame, got " + frames.size());
        }
        return frames.get(0);
    }

    /** Decodes a whole frame, length prefix included, as a connection that accepts batches from node 1. */
    static Frame decode(byte[] frame) throws MalformedFrameException {
        ByteBuf buffer = Unpooled.wrappedBuffer(frame);
        long length = buffer.readUnsignedInt();
        if (length != buffer.readableBytes()) {
            throw new AssertionError("length prefix " + length + " but " + buffer.readableBytes() + " bytes follow");
        }
        return FrameReader.read(
                new WireReader(buffer), frame.length, OptionalLong.of(MessageArbitraries.FROM), MessageArbitraries.TO);
    }

    /** The order docs/wire-protocol.md promises: other messages as sent, then heartbeats, then responses by group. */
    static List<GroupMessage> deliveryOrder(List<GroupMessage> sent) {
        Comparator<GroupMessage> byGroup = (a, b) -> Long.compareUnsigned(a.groupId(), b.groupId());
        List<GroupMessage> order = new ArrayList<>();
        sent.stream().filter(m -> !MergedHeartbeats.isMerged(m.message())).forEach(order::add);
        sent.stream()
                .filter(m -> m.message() instanceof Message.Heartbeat)
                .sorted(byGroup)
                .forEach(order::add);
        sent.stream()
                .filter(m -> m.message() instanceof Message.HeartbeatResponse)
                .sorted(byGroup)
                .forEach(order::add);
        return order;
    }
}
