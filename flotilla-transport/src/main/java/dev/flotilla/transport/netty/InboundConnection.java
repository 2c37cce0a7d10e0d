package dev.flotilla.transport.netty;

import dev.flotilla.transport.ClusterMembers;
import dev.flotilla.transport.MessageReceiver;
import dev.flotilla.transport.TransportConfig;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening side of a connection: admits a peer that says HELLO with this cluster's id and a member node id,
 * then delivers its batches to the {@link MessageReceiver} while the peer stays a member.
 */
final class InboundConnection extends SimpleChannelInboundHandler<Frame> {
    private static final Logger log = LoggerFactory.getLogger(InboundConnection.class);

    private final TransportConfig config;
    private final ClusterMembers members;
    private final MessageReceiver receiver;
    private final LongFunction<Peer> peers;
    private final FrameDecoder decoder;
    private Peer peer;

    InboundConnection(
            TransportConfig config,
            ClusterMembers members,
            MessageReceiver receiver,
            LongFunction<Peer> peers,
            FrameDecoder decoder) {
        this.config = config;
        this.members = members;
        this.receiver = receiver;
        this.peers = peers;
        this.decoder = decoder;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        HandshakeDeadline.arm(ctx, config.handshakeTimeout(), () -> peer != null, log);
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
        if (frame instanceof Frame.Hello hello && peer == null) {
            admit(ctx, hello);
        } else if (frame instanceof Frame.Batch batch) {
            deliver(ctx, batch);
        } else {
            log.warn(
                    "{}: closing the connection: unexpected {} frame",
                    ctx.channel(),
                    frame.getClass().getSimpleName());
            ctx.close();
        }
    }

    private void admit(ChannelHandlerContext ctx, Frame.Hello hello) {
        if (hello.clusterId() != config.clusterId()) {
            refuse(
                    ctx,
                    RejectReason.WRONG_CLUSTER,
                    "node " + hello.nodeId() + " is in cluster " + hello.clusterId() + ", this node in cluster "
                            + config.clusterId());
        } else if (hello.nodeId() == config.nodeId()) {
            refuse(ctx, RejectReason.SAME_NODE_ID, "the peer claims this node's id " + hello.nodeId());
        } else if (members.addressOf(hello.nodeId()).isEmpty()) {
            refuse(ctx, RejectReason.NOT_A_MEMBER, "node " + hello.nodeId() + " is not a member");
        } else {
            peer = peers.apply(hello.nodeId());
            decoder.acceptBatchesFrom(hello.nodeId());
            ctx.writeAndFlush(FrameWriter.hello(ctx.alloc(), config.clusterId(), config.nodeId()));
            peer.inboundAccepted(ctx.channel());
            log.info("{}: accepted node {}", ctx.channel(), hello.nodeId());
        }
    }

    private void refuse(ChannelHandlerContext ctx, RejectReason reason, String detail) {
        log.warn("{}: refusing the connection: {}", ctx.channel(), detail);
        ctx.writeAndFlush(FrameWriter.reject(ctx.alloc(), reason)).addListener(ChannelFutureListener.CLOSE);
    }

    private void deliver(ChannelHandlerContext ctx, Frame.Batch batch) {
        if (members.addressOf(peer.nodeId()).isEmpty()) {
            log.warn(
                    "{}: closing the connection: node {} is no longer a member; its batch of {} messages is dropped",
                    ctx.channel(),
                    peer.nodeId(),
                    batch.messages().size());
            ctx.close();
            return;
        }
        peer.counters().received(batch.messages().size(), batch.frameBytes());
        try {
            receiver.receive(peer.nodeId(), batch.messages());
        } catch (RuntimeException e) {
            log.error(
                    "node {}: the message receiver failed on a batch from node {}", config.nodeId(), peer.nodeId(), e);
        }
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
