package dev.flotilla.transport.netty;

import dev.flotilla.transport.ConnectionState;
import dev.flotilla.transport.PeerStats;
import java.util.concurrent.atomic.LongAdder;

/** The counters behind {@link PeerStats}, updated from sending threads and event loops. */
final class PeerCounters {
    private final LongAdder connectionsEstablished = new LongAdder();
    private final LongAdder framesSent = new LongAdder();
    private final LongAdder messagesSent = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder messagesDropped = new LongAdder();
    private final LongAdder framesReceived = new LongAdder();
    private final LongAdder messagesReceived = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();

    void connectionEstablished() {
        connectionsEstablished.increment();
    }

    void sent(int messages, int frameBytes) {
        framesSent.increment();
        messagesSent.add(messages);
        bytesSent.add(frameBytes);
    }

    void dropped(int messages) {
        messagesDropped.add(messages);
    }

    void received(int messages, int frameBytes) {
        framesReceived.increment();
        messagesReceived.add(messages);
        bytesReceived.add(frameBytes);
    }

    PeerStats snapshot(long nodeId, ConnectionState state) {
        return new PeerStats(
                nodeId,
                state,
                connectionsEstablished.sum(),
                framesSent.sum(),
                messagesSent.sum(),
                bytesSent.sum(),
                messagesDropped.sum(),
                framesReceived.sum(),
                messagesReceived.sum(),
                bytesReceived.sum());
    }
}
