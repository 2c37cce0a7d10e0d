package dev.flotilla.runtime;

import dev.flotilla.transport.GroupMessage;
import dev.flotilla.transport.MessageReceiver;
import dev.flotilla.transport.PeerStats;
import dev.flotilla.transport.Transport;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Counts what a node sends: Raft messages of groups, and node liveness pings (group 0). */
final class CountingTransport implements Transport {
    private final Transport delegate;
    final AtomicLong groupMessages = new AtomicLong();
    final AtomicLong pings = new AtomicLong();

    CountingTransport(Transport delegate) {
        this.delegate = delegate;
    }

    @Override
    public void send(GroupMessage message) {
        (message.groupId() == 0 ? pings : groupMessages).incrementAndGet();
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
