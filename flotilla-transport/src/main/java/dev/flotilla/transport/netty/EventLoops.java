package dev.flotilla.transport.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** The I/O threads of one transport and the matching channel classes: native epoll where available, else NIO. */
record EventLoops(
        EventLoopGroup group,
        Class<? extends ServerSocketChannel> serverChannelClass,
        Class<? extends SocketChannel> channelClass,
        String flavor) {

    static EventLoops create(int threads, long nodeId) {
        DefaultThreadFactory threadFactory = new DefaultThreadFactory("flotilla-transport-" + nodeId, true);
        if (Epoll.isAvailable()) {
            return new EventLoops(
                    new MultiThreadIoEventLoopGroup(threads, threadFactory, EpollIoHandler.newFactory()),
                    EpollServerSocketChannel.class,
                    EpollSocketChannel.class,
                    "epoll");
        }
        return new EventLoops(
                new MultiThreadIoEventLoopGroup(threads, threadFactory, NioIoHandler.newFactory()),
                NioServerSocketChannel.class,
                NioSocketChannel.class,
                "nio");
    }
}
