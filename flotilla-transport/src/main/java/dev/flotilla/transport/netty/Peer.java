package dev.flotilla.transport.netty;

import dev.flotilla.transport.ClusterMembers;
import dev.flotilla.transport.PeerStats;
import dev.flotilla.transport.TransportConfig;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One remote node: its counters, the queue of messages for it and their flushing over this node's {@link PeerLink}
 * to it, and the current inbound connection from it. {@link #send} and {@link #flush} may be called from any thread.
 */
final class Peer implements PeerLink.Events {
    private static final Logger log = LoggerFactory.getLogger(Peer.class);

    private final long nodeId;
    private final TransportConfig config;
    private final OutboundQueue queue;
    private final PeerCounters counters = new PeerCounters();
    private final PeerLink link;
    private final AtomicReference<Channel> inbound = new AtomicReference<>();
    private final Object flushLock = new Object();
    private volatile boolean closed;

    Peer(long nodeId, TransportConfig config, ClusterMembers members, EventLoop loop, PeerDialer dialer) {
        this.nodeId = nodeId;
        this.config = config;
        this.queue = new OutboundQueue(config.maxQueuedMessagesPerPeer(), config.maxQueuedBytesPerPeer());
        this.link = new PeerLink(nodeId, config, members, loop, dialer, counters, this);
    }

    long nodeId() {
        return nodeId;
    }

    PeerCounters counters() {
        return counters;
    }

    PeerStats stats() {
        return counters.snapshot(nodeId, link.state());
    }

    /** Queues a message, or drops and counts it if the queue is full; starts connecting if idle. */
    void send(QueuedMessage message) {
        if (closed || !queue.offer(message)) {
            counters.dropped(1);
            return;
        }
        link.dialIfIdle();
    }

    /**
     * Writes everything queued as one frame (more only if over the frame limit), if the connection is ready and its
     * outbound buffer below the high-water mark; otherwise the messages wait in the queue.
     *
     * <p>Frames reach the socket in the order their messages were drained: draining and handing the frames to the
     * event loop happen under one lock, and the frames are always written by a task on the loop, never directly, so a
     * flush from the loop itself cannot overtake one from another thread.
     */
    void flush() {
        Optional<Channel> ready = link.readyChannel();
        if (ready.isEmpty() || !ready.get().isWritable()) {
            return;
        }
        Channel channel = ready.get();
        synchronized (flushLock) {
            List<QueuedMessage> messages = queue.drain();
            if (messages.isEmpty()) {
                return;
            }
            List<FrameWriter.EncodedBatch> batches =
                    FrameWriter.batches(channel.alloc(), messages, config.maxFrameBytes());
            try {
                channel.eventLoop().execute(() -> write(channel, batches));
            } catch (RejectedExecutionException closing) {
                for (FrameWriter.EncodedBatch batch : batches) {
                    batch.frame().release();
                    counters.dropped(batch.messageCount());
                }
            }
        }
    }

    @Override
    public void writable() {
        flush();
    }

    @Override
    public void notAMember() {
        int dropped = queue.drain().size();
        counters.dropped(dropped);
        log.info(
                "node {}: node {} is not a member; not connecting, {} queued messages dropped",
                config.nodeId(),
                nodeId,
                dropped);
    }

    /** On the event loop: {@code channel} from this peer passed the handshake; it replaces any older one. */
    void inboundAccepted(Channel channel) {
        Channel previous = inbound.getAndSet(channel);
        if (previous != null) {
            log.info("node {}: new connection from node {} replaces {}", config.nodeId(), nodeId, previous);
            previous.close();
        }
        channel.closeFuture().addListener(closed -> inbound.compareAndSet(channel, null));
    }

    void close() {
        closed = true;
        link.close();
        Optional.ofNullable(inbound.get()).ifPresent(Channel::close);
    }

    private void write(Channel channel, List<FrameWriter.EncodedBatch> batches) {
        for (FrameWriter.EncodedBatch batch : batches) {
            int frameBytes = batch.frame().readableBytes();
            int count = batch.messageCount();
            channel.write(batch.frame()).addListener(written -> {
                if (written.isSuccess()) {
                    counters.sent(count, frameBytes);
                } else {
                    counters.dropped(count);
                }
            });
        }
        channel.flush();
    }
}
