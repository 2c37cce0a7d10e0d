package dev.flotilla.snapshot.netty;

import dev.flotilla.snapshot.SnapshotFile;
import dev.flotilla.snapshot.SnapshotManifest;
import dev.flotilla.snapshot.wire.ErrorCode;
import dev.flotilla.snapshot.wire.Frames;
import dev.flotilla.snapshot.wire.ProtocolException;
import dev.flotilla.snapshot.wire.Request;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One receiver connection (one stream of a transfer). Requests are served in order; a chunk goes out as its header
 * followed by a file region, which the kernel sends from the page cache without copying it through the JVM
 * ({@code sendfile}).
 *
 * <p>Back-pressure: chunks are only queued on the socket while it is writable (below the high-water mark), and reading
 * requests stops while {@value #MAX_QUEUED_REQUESTS} wait, so neither memory nor queued file regions grow with a slow
 * receiver. Bandwidth waits are timers on the event loop, never sleeps.
 */
final class ConnectionHandler extends SimpleChannelInboundHandler<ByteBuf> {
    static final int MAX_QUEUED_REQUESTS = 64;

    private final NettySnapshotServer server;
    private final ArrayDeque<Request.Chunk> queued = new ArrayDeque<>();
    private Optional<TransferSession> session = Optional.empty();
    private boolean waitingForBandwidth;

    ConnectionHandler(NettySnapshotServer server) {
        this.server = server;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        Request request;
        try {
            request = Frames.decodeRequest(frame.nioBuffer());
        } catch (ProtocolException e) {
            refuse(ctx, ErrorCode.BAD_REQUEST, e.getMessage());
            return;
        }
        if (request instanceof Request.Open open) {
            open(ctx, open);
        } else if (request instanceof Request.Chunk chunk) {
            enqueue(ctx, chunk);
        } else if (request instanceof Request.Ping) {
            session.ifPresent(TransferSession::heard);
        } else {
            session.ifPresent(server.sessions()::finish);
            ctx.close();
        }
    }

    private void open(ChannelHandlerContext ctx, Request.Open open) {
        if (session.isPresent()) {
            refuse(ctx, ErrorCode.BAD_REQUEST, "a second OPEN on one connection");
        } else if (open.protocolVersion() != Frames.PROTOCOL_VERSION) {
            refuse(
                    ctx,
                    ErrorCode.UNSUPPORTED_VERSION,
                    "protocol version " + open.protocolVersion() + ", this sender speaks " + Frames.PROTOCOL_VERSION);
        } else {
            Sessions.Admission admission = server.sessions().open(open.transferId(), open.snapshotId(), ctx.channel());
            if (admission instanceof Sessions.Admission.Admitted admitted) {
                session = Optional.of(admitted.session());
                ctx.writeAndFlush(Unpooled.wrappedBuffer(admitted.session().manifestFrame));
            } else if (admission instanceof Sessions.Admission.Refused refused) {
                refuse(ctx, refused.code(), refused.message());
            }
        }
    }

    private void enqueue(ChannelHandlerContext ctx, Request.Chunk chunk) {
        if (session.isEmpty()) {
            refuse(ctx, ErrorCode.BAD_REQUEST, "CHUNK before OPEN");
            return;
        }
        SnapshotManifest manifest = session.get().pin.manifest();
        if (chunk.file() < 0
                || chunk.file() >= manifest.files().size()
                || chunk.chunk() < 0
                || chunk.chunk() >= manifest.files().get(chunk.file()).chunkCount()) {
            refuse(ctx, ErrorCode.BAD_REQUEST, "no chunk " + chunk.file() + "/" + chunk.chunk() + " in the manifest");
            return;
        }
        session.get().heard();
        queued.add(chunk);
        drain(ctx);
    }

    private void drain(ChannelHandlerContext ctx) {
        TransferSession transfer = session.orElseThrow();
        while (!waitingForBandwidth && !queued.isEmpty() && ctx.channel().isWritable()) {
            Request.Chunk next = queued.peek();
            int length = transfer.pin.manifest().chunkLength(next.file(), next.chunk());
            long waitNanos = Math.max(server.nodeBandwidth().reserve(length), transfer.bandwidth.reserve(length));
            queued.poll();
            if (waitNanos > 0) {
                waitingForBandwidth = true;
                ctx.executor()
                        .schedule(
                                () -> {
                                    waitingForBandwidth = false;
                                    if (ctx.channel().isActive()) {
                                        send(ctx, transfer, next, length);
                                        drain(ctx);
                                    }
                                },
                                waitNanos,
                                TimeUnit.NANOSECONDS);
                break;
            }
            send(ctx, transfer, next, length);
        }
        ctx.channel().config().setAutoRead(queued.size() < MAX_QUEUED_REQUESTS);
    }

    private void send(ChannelHandlerContext ctx, TransferSession transfer, Request.Chunk chunk, int length) {
        SnapshotManifest manifest = transfer.pin.manifest();
        SnapshotFile file = manifest.files().get(chunk.file());
        long offset = (long) chunk.chunk() * manifest.chunkBytes();
        FileChannel data;
        try {
            data = transfer.file(chunk.file());
        } catch (IOException e) {
            refuse(ctx, ErrorCode.IO_ERROR, "cannot read " + file.name() + ": " + e.getMessage());
            return;
        }
        ctx.write(Unpooled.wrappedBuffer(
                Frames.chunkHeader(chunk.file(), chunk.chunk(), file.chunkCrc32c(chunk.chunk()), length)));
        ctx.writeAndFlush(new SharedFileRegion(data, offset, length)).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                server.countSent(length);
            } else {
                f.channel().close();
            }
        });
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (session.isPresent()) {
            drain(ctx);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.ifPresent(s -> server.sessions().detach(s, ctx.channel()));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A receiver that breaks the framing or resets the connection only loses this connection.
        ctx.close();
    }

    private static void refuse(ChannelHandlerContext ctx, ErrorCode code, String message) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(Frames.error(code, message))).addListener(ChannelFutureListener.CLOSE);
    }
}
