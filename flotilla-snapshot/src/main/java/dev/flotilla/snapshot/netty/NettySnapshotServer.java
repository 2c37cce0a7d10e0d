package dev.flotilla.snapshot.netty;

import dev.flotilla.snapshot.SnapshotServer;
import dev.flotilla.snapshot.SnapshotServerConfig;
import dev.flotilla.snapshot.SnapshotSource;
import dev.flotilla.snapshot.flow.Bandwidth;
import dev.flotilla.snapshot.wire.Frames;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link SnapshotServer} on Netty NIO. NIO sends a {@link io.netty.channel.FileRegion} with {@code
 * FileChannel.transferTo}, which is {@code sendfile(2)} on Linux: the data never enters the JVM.
 */
public final class NettySnapshotServer implements SnapshotServer {
    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final Sessions sessions;
    private final Bandwidth nodeBandwidth;
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    private NettySnapshotServer(SnapshotServerConfig config, SnapshotSource source) {
        this.nodeBandwidth = new Bandwidth(config.nodeBytesPerSecond());
        this.sessions = new Sessions(
                source,
                config.maxConcurrentSends(),
                config.transferBytesPerSecond(),
                config.lease().toNanos());
        this.group = new MultiThreadIoEventLoopGroup(
                config.ioThreads(),
                new DefaultThreadFactory("flotilla-snapshot-send", true),
                NioIoHandler.newFactory());
        int highWater = config.outboundHighWaterBytes();
        try {
            this.serverChannel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(
                            ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(highWater / 2, highWater))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline()
                                    .addLast(new LengthFieldBasedFrameDecoder(Frames.MAX_REQUEST_BYTES, 0, 4, 0, 4))
                                    .addLast(new ConnectionHandler(NettySnapshotServer.this));
                        }
                    })
                    .bind(config.listenAddress())
                    .syncUninterruptibly()
                    .channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
        long checkEvery = Math.max(1, config.lease().toMillis() / 4);
        group.scheduleAtFixedRate(sessions::expireLeases, checkEvery, checkEvery, TimeUnit.MILLISECONDS);
    }

    public static NettySnapshotServer start(SnapshotServerConfig config, SnapshotSource source) {
        return new NettySnapshotServer(config, source);
    }

    @Override
    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    @Override
    public void setNodeBytesPerSecond(long bytesPerSecond) {
        nodeBandwidth.set(bytesPerSecond);
    }

    @Override
    public long bytesSent() {
        return bytesSent.get();
    }

    @Override
    public int pinnedTransfers() {
        return sessions.pinned();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        serverChannel.close().syncUninterruptibly();
        sessions.releaseAll();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    Sessions sessions() {
        return sessions;
    }

    Bandwidth nodeBandwidth() {
        return nodeBandwidth;
    }

    void countSent(long bytes) {
        bytesSent.addAndGet(bytes);
    }
}
