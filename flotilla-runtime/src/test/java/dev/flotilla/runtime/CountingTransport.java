package dev.flotilla.runtime;

import dev.flotilla.transport.GroupMessage;
import dev.flotilla.transport.Transport;
import java.util.concurrent.atomic.AtomicLong;

/** Counts what a node sends: Raft messages of groups, and node liveness pings (group 0). */
final class CountingTransport extends ForwardingTransport {
    final AtomicLong groupMessages = new AtomicLong();
    final AtomicLong pings = new AtomicLong();

    CountingTransport(Transport delegate) {
        super(delegate);
    }

    @Override
    public void send(GroupMessage message) {
        (message.groupId() == 0 ? pings : groupMessages).incrementAndGet();
        super.send(message);
    }
}
