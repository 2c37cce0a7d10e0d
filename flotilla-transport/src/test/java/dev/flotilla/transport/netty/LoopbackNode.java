package dev.flotilla.transport.netty;

import dev.flotilla.transport.ConnectionState;
import dev.flotilla.transport.GroupMessage;
import dev.flotilla.transport.PeerStats;
import dev.flotilla.transport.TransportConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A started {@link NettyTransport} on loopback, with its own view of the membership and a recording receiver. */
final class LoopbackNode implements AutoCloseable {
    static final long CLUSTER = 7;

    final long id;
    final Map<Long, InetSocketAddress> members = new ConcurrentHashMap<>();
    final RecordingReceiver receiver = new RecordingReceiver();
    final NettyTransport transport;

    LoopbackNode(TransportConfig config) {
        this.id = config.nodeId();
        this.transport = new NettyTransport(config, node -> Optional.ofNullable(members.get(node)));
        transport.start(receiver);
        members.put(id, transport.localAddress());
    }

    static TransportConfig config(long nodeId) {
        return config(nodeId, 0);
    }

    static TransportConfig config(long nodeId, int port) {
        return TransportConfig.defaults(nodeId, CLUSTER, new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .withReconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(200));
    }

    InetSocketAddress address() {
        return transport.localAddress();
    }

    /** Adds the others to this node's membership view. */
    LoopbackNode knows(Collection<LoopbackNode> others) {
        for (LoopbackNode other : others) {
            members.put(other.id, other.address());
        }
        return this;
    }

    void sendAndFlush(GroupMessage message) {
        transport.send(message);
        transport.flush();
    }

    PeerStats stats(long peer) {
        return Optional.ofNullable(transport.peerStats().get(peer))
                .orElse(new PeerStats(peer, ConnectionState.IDLE, 0, 0, 0, 0, 0, 0, 0, 0));
    }

    @Override
    public void close() {
        transport.close();
    }
}
