package dev.flotilla.runtime;

import dev.flotilla.transport.GroupMessage;
import dev.flotilla.transport.MessageReceiver;
import dev.flotilla.transport.PeerStats;
import dev.flotilla.transport.Transport;
import java.util.Map;

/** A transport that passes everything to another one; tests override {@link #send} to watch what leaves a node. */
abstract class ForwardingTransport implements Transport {
    private final Transport delegate;

    ForwardingTransport(Transport delegate) {
        this.delegate = delegate;
    }

    @Override
    public void send(GroupMessage message) {
        delegate.send(message);
    }

    @Override
    public void start(MessageReceiver receiver) {
        delegate.start(receiver);
    }

    @Override
    public void flush() {
        delegate.flush();
    }

    @Override
    public Map<Long, PeerStats> peerStats() {
        return delegate.peerStats();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
