package dev.flotilla.transport.netty;

import dev.flotilla.transport.ClusterMembers;
import dev.flotilla.transport.ConnectionState;
import dev.flotilla.transport.TransportConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's outbound connection to one peer: dialed on demand, redialed with back-off after every failure or loss
 * while the transport is open, given up while the peer is not a member. State changes happen on the peer's event
 * loop; {@link #dialIfIdle}, {@link #state} and {@link #readyChannel} may be called from any thread.
 */
final class PeerLink {
    private static final Logger log = LoggerFactory.getLogger(PeerLink.class);

    /** What the link tells its {@link Peer}. Called on the event loop. */
    interface Events {
        /** The handshake completed, or the connection's outbound buffer drained: queued messages can be written. */
        void writable();

        /** The peer is not a member (any more): nothing queued for it will be sent. */
        void notAMember();
    }

    private final long nodeId;
    private final TransportConfig config;
    private final ClusterMembers members;
    private final EventLoop loop;
    private final PeerDialer dialer;
    private final PeerCounters counters;
    private final Events events;
    private final Backoff backoff;
    private final AtomicReference<ConnectionState> state = new AtomicReference<>(ConnectionState.IDLE);
    /** The channel once its handshake is done; null otherwise. */
    private volatile Channel ready;

    private volatile boolean closed;
    private ScheduledFuture<?> redial;

    PeerLink(
            long nodeId,
            TransportConfig config,
            ClusterMembers members,
            EventLoop loop,
            PeerDialer dialer,
            PeerCounters counters,
            Events events) {
        this.nodeId = nodeId;
        this.config = config;
        this.members = members;
        this.loop = loop;
        this.dialer = dialer;
        this.counters = counters;
        this.events = events;
        this.backoff =
                new Backoff(config.reconnectBackoffMin(), config.reconnectBackoffMax(), ThreadLocalRandom.current());
    }

    long nodeId() {
        return nodeId;
    }

    EventLoop loop() {
        return loop;
    }

    ConnectionState state() {
        return state.get();
    }

    /** The connection, if its handshake is done and it has not been lost since. */
    Optional<Channel> readyChannel() {
        return Optional.ofNullable(ready);
    }

    /** Starts dialing unless a connection exists, is being made, or waits for its back-off. */
    void dialIfIdle() {
        if (state.compareAndSet(ConnectionState.IDLE, ConnectionState.CONNECTING)) {
            try {
                loop.execute(this::dial);
            } catch (RejectedExecutionException closing) {
                state.set(ConnectionState.IDLE);
            }
        }
    }

    /** On the event loop: the handshake completed on {@code channel}. */
    void handshakeDone(Channel channel) {
        if (closed) {
            channel.close();
            return;
        }
        ready = channel;
        backoff.reset();
        state.set(ConnectionState.CONNECTED);
        counters.connectionEstablished();
        log.info("node {}: connected to node {} at {}", config.nodeId(), nodeId, channel.remoteAddress());
        events.writable();
    }

    /** On the event loop: the outbound buffer of {@code channel} drained below its low-water mark. */
    void bufferDrained(Channel channel) {
        if (ready == channel) {
            events.writable();
        }
    }

    /** On the event loop: a dial failed or a connection closed; redial after the back-off. */
    void connectionLost(Channel channel, String reason) {
        boolean wasReady = ready == channel;
        if (wasReady) {
            ready = null;
        }
        if (closed) {
            return;
        }
        Duration wait = backoff.next();
        state.set(ConnectionState.BACKING_OFF);
        if (wasReady) {
            log.info(
                    "node {}: connection to node {} lost ({}); redialing in {} ms",
                    config.nodeId(),
                    nodeId,
                    reason,
                    wait.toMillis());
        } else {
            log.debug(
                    "node {}: cannot connect to node {} ({}); redialing in {} ms",
                    config.nodeId(),
                    nodeId,
                    reason,
                    wait.toMillis());
        }
        redial = loop.schedule(this::dial, wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    void close() {
        closed = true;
        loop.execute(() -> {
            if (redial != null) {
                redial.cancel(false);
            }
            readyChannel().ifPresent(Channel::close);
        });
    }

    private void dial() {
        if (closed) {
            return;
        }
        Optional<InetSocketAddress> address = members.addressOf(nodeId);
        if (address.isEmpty()) {
            state.set(ConnectionState.IDLE);
            events.notAMember();
            return;
        }
        state.set(ConnectionState.CONNECTING);
        ChannelFuture attempt = dialer.dial(address.get(), this);
        attempt.addListener(connect -> {
            if (!connect.isSuccess()) {
                connectionLost(attempt.channel(), "connect to " + address.get() + " failed: " + connect.cause());
            }
        });
    }
}
