package dev.flotilla.transport.netty;

import dev.flotilla.transport.ClusterMembers;
import dev.flotilla.transport.GroupMessage;
import dev.flotilla.transport.MessageReceiver;
import dev.flotilla.transport.PeerStats;
import dev.flotilla.transport.Transport;
import dev.flotilla.transport.TransportConfig;
import dev.flotilla.transport.TransportException;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Transport} over TCP with Netty: one outbound connection per peer node carries the messages of all groups,
 * batched into one frame per flush; the wire format is docs/wire-protocol.md, the threading and drop rules are in
 * docs/transport.md.
 *
 * <p>The receiver is called on the event loop of the connection a batch arrived on ({@link
 * TransportConfig#ioThreads()} threads serve all connections).
 */
public final class NettyTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(NettyTransport.class);

    private final TransportConfig config;
    private final ClusterMembers members;
    private final Optional<TlsContexts> tls;
    private final Map<Long, Peer> peers = new ConcurrentHashMap<>();
    private EventLoops loops;
    private Channel server;
    private volatile boolean started;
    private volatile boolean closed;

    /**
     * @param members who may connect to this node and where each member listens; consulted on every connection and
     *     every inbound frame, so membership changes take effect at once
     * @throws TransportException if TLS is configured and its files cannot be loaded
     */
    public NettyTransport(TransportConfig config, ClusterMembers members) {
        this.config = Objects.requireNonNull(config, "config");
        this.members = Objects.requireNonNull(members, "members");
        this.tls = config.tls().map(TlsContexts::load);
    }

    /** Binds the listen address and starts the I/O threads. Blocks until bound. */
    @Override
    public synchronized void start(MessageReceiver receiver) {
        Objects.requireNonNull(receiver, "receiver");
        if (started || closed) {
            throw new IllegalStateException("start may be called once, before close");
        }
        loops = EventLoops.create(config.ioThreads(), config.nodeId());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops.group())
                .channel(loops.serverChannelClass())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        ChannelPipeline pipeline = channel.pipeline();
                        tls.ifPresent(contexts -> pipeline.addLast(sslHandler(contexts.server(), channel)));
                        FrameDecoder decoder = new FrameDecoder(config.nodeId(), config.maxFrameBytes());
                        pipeline.addLast(
                                decoder,
                                new InboundConnection(config, members, receiver, NettyTransport.this::peer, decoder));
                    }
                });
        try {
            server =
                    bootstrap.bind(config.listenAddress()).syncUninterruptibly().channel();
        } catch (Exception e) { // syncUninterruptibly rethrows a checked bind failure without declaring it
            loops.group().shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new TransportException("node " + config.nodeId() + " cannot listen on " + config.listenAddress(), e);
        }
        started = true;
        log.info(
                "node {}: transport listening on {} ({}, {} I/O threads, TLS {})",
                config.nodeId(),
                server.localAddress(),
                loops.flavor(),
                config.ioThreads(),
                tls.isPresent() ? "on" : "off");
    }

    /** The address this transport listens on (with the actual port if the configured one was 0). */
    public InetSocketAddress localAddress() {
        requireStarted();
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public void send(GroupMessage message) {
        if (closed) {
            return;
        }
        long to = message.message().to();
        if (message.message().from() != config.nodeId()) {
            throw new IllegalArgumentException("node " + config.nodeId() + " cannot send a message from node "
                    + message.message().from());
        }
        if (to == config.nodeId()) {
            throw new IllegalArgumentException("node " + config.nodeId() + " cannot send a message to itself");
        }
        requireStarted();
        Peer peer = peer(to);
        QueuedMessage queued = QueuedMessage.of(message);
        if (queued.maxEncodedBytes() > FrameWriter.maxMessageBytes(config.maxFrameBytes())) {
            log.warn(
                    "node {}: dropping a {} of group {} to node {}: up to {} bytes encoded, over maxFrameBytes {}",
                    config.nodeId(),
                    message.message().getClass().getSimpleName(),
                    message.groupId(),
                    to,
                    queued.maxEncodedBytes(),
                    config.maxFrameBytes());
            peer.counters().dropped(1);
        } else if (members.addressOf(to).isEmpty()) {
            peer.counters().dropped(1);
        } else {
            peer.send(queued);
        }
    }

    @Override
    public void flush() {
        requireStarted();
        if (closed) {
            return;
        }
        for (Peer peer : peers.values()) {
            peer.flush();
        }
    }

    @Override
    public Map<Long, PeerStats> peerStats() {
        Map<Long, PeerStats> stats = new TreeMap<>();
        for (Peer peer : peers.values()) {
            stats.put(peer.nodeId(), peer.stats());
        }
        return stats;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!started) {
            return;
        }
        server.close().syncUninterruptibly();
        peers.values().forEach(Peer::close);
        loops.group().shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        log.info("node {}: transport closed", config.nodeId());
    }

    private void requireStarted() {
        if (!started) {
            throw new IllegalStateException("the transport is not started");
        }
    }

    private Peer peer(long nodeId) {
        return peers.computeIfAbsent(
                nodeId, id -> new Peer(id, config, members, loops.group().next(), this::dial));
    }

    private ChannelFuture dial(InetSocketAddress address, PeerLink link) {
        int highWaterMark = (int) Math.min(2L * config.maxFrameBytes(), Integer.MAX_VALUE);
        return new Bootstrap()
                .group(link.loop())
                .channel(loops.channelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        config.connectTimeout().toMillis())
                .option(
                        ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(highWaterMark / 2, highWaterMark))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        ChannelPipeline pipeline = channel.pipeline();
                        tls.ifPresent(contexts -> pipeline.addLast(sslHandler(contexts.client(), channel)));
                        pipeline.addLast(
                                new FrameDecoder(config.nodeId(), config.maxFrameBytes()),
                                new OutboundConnection(config, link));
                    }
                })
                .connect(address);
    }

    private SslHandler sslHandler(SslContext context, SocketChannel channel) {
        SslHandler handler = context.newHandler(channel.alloc());
        handler.setHandshakeTimeoutMillis(config.handshakeTimeout().toMillis());
        return handler;
    }
}
