package dev.flotilla.transport.netty;

import dev.flotilla.transport.TransportConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dialing side of a connection: says HELLO, checks that the listener is the expected node of the expected
 * cluster, then reports the connection ready to its {@link PeerLink}. After the handshake nothing more is read from it.
 */
final class OutboundConnection extends SimpleChannelInboundHandler<Frame> {
    private static final Logger log = LoggerFactory.getLogger(OutboundConnection.class);

    private final TransportConfig config;
    private final PeerLink link;
    private boolean handshakeDone;

    OutboundConnection(TransportConfig config, PeerLink link) {
        this.config = config;
        this.link = link;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        HandshakeDeadline.arm(ctx, config.handshakeTimeout(), () -> handshakeDone, log);
        ctx.writeAndFlush(FrameWriter.hello(ctx.alloc(), config.clusterId(), config.nodeId()));
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
        if (frame instanceof Frame.Hello hello && !handshakeDone) {
            if (hello.clusterId() != config.clusterId() || hello.nodeId() != link.nodeId()) {
                log.warn(
                        "{}: closing the connection: expected node {} of cluster {}, found node {} of cluster {}",
                        ctx.channel(),
                        link.nodeId(),
                        config.clusterId(),
                        hello.nodeId(),
                        hello.clusterId());
                ctx.close();
                return;
            }
            handshakeDone = true;
            link.handshakeDone(ctx.channel());
        } else if (frame instanceof Frame.Reject reject) {
            log.warn("{}: node {} refused the connection: {}", ctx.channel(), link.nodeId(), reject.reason());
            ctx.close();
        } else {
            log.warn(
                    "{}: closing the connection: unexpected {} frame from node {}",
                    ctx.channel(),
                    frame.getClass().getSimpleName(),
                    link.nodeId());
            ctx.close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            link.bufferDrained(ctx.channel());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        link.connectionLost(ctx.channel(), "connection closed");
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        ConnectionErrors.logTlsFailure(event, ctx, log);
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ConnectionErrors.log(log, ctx, cause);
        ctx.close();
    }
}
