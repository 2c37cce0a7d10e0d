package dev.flotilla.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits a connection's byte stream into {@link Frame}s. The length prefix is checked against the connection's
 * current limit before a byte of the frame is buffered: until the handshake completes the limit is one HELLO, after
 * it {@code maxFrameBytes}. The first bad frame closes the connection with a logged reason; it and everything after
 * it are discarded, so nothing from it reaches the next handler.
 *
 * <p>One instance per connection; used only on the connection's event loop.
 */
final class FrameDecoder extends ByteToMessageDecoder {
    private static final Logger log = LoggerFactory.getLogger(FrameDecoder.class);

    private final long localNodeId;
    private final int maxFrameBytes;
    private int frameLimit = WireFormat.MAX_HANDSHAKE_FRAME_BYTES;
    private OptionalLong batchSender = OptionalLong.empty();
    private boolean failed;

    FrameDecoder(long localNodeId, int maxFrameBytes) {
        this.localNodeId = localNodeId;
        this.maxFrameBytes = maxFrameBytes;
    }

    /** From now on, accept batch frames up to {@code maxFrameBytes}; their messages come from {@code nodeId}. */
    void acceptBatchesFrom(long nodeId) {
        batchSender = OptionalLong.of(nodeId);
        frameLimit = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < WireFormat.LENGTH_PREFIX_BYTES) {
            return;
        }
        long length = in.getUnsignedInt(in.readerIndex());
        try {
            if (length < WireFormat.HEADER_BYTES) {
                throw new MalformedFrameException("frame length " + length + " is shorter than a frame header");
            }
            if (length > frameLimit - WireFormat.LENGTH_PREFIX_BYTES) {
                throw new MalformedFrameException("frame of " + (length + WireFormat.LENGTH_PREFIX_BYTES)
                        + " bytes exceeds the limit of " + frameLimit);
            }
            int frameBytes = (int) length + WireFormat.LENGTH_PREFIX_BYTES;
            if (in.readableBytes() < frameBytes) {
                return;
            }
            ByteBuf frame = in.slice(in.readerIndex() + WireFormat.LENGTH_PREFIX_BYTES, (int) length);
            in.skipBytes(frameBytes);
            out.add(FrameReader.read(new WireReader(frame), frameBytes, batchSender, localNodeId));
        } catch (MalformedFrameException e) {
            fail(ctx, in, e.getMessage());
        } catch (RuntimeException e) {
            log.error("{}: frame decoder failed; closing the connection", ctx.channel(), e);
            fail(ctx, in, "decoder error " + e);
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        if (in.isReadable()) {
            log.info(
                    "{}: connection closed in the middle of a frame ({} bytes buffered)",
                    ctx.channel(),
                    in.readableBytes());
            in.skipBytes(in.readableBytes());
        }
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, String reason) {
        failed = true;
        in.skipBytes(in.readableBytes());
        String peer = batchSender.isPresent() ? " from node " + batchSender.getAsLong() : "";
        log.warn("{}: closing the connection: malformed frame{}: {}", ctx.channel(), peer, reason);
        ctx.close();
    }
}
