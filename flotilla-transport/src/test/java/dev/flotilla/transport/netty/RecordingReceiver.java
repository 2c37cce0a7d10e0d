package dev.flotilla.transport.netty;

import dev.flotilla.transport.GroupMessage;
import dev.flotilla.transport.MessageReceiver;
import java.util.ArrayList;
import java.util.List;

/** Keeps every batch it receives, for tests to inspect. */
final class RecordingReceiver implements MessageReceiver {
    record Received(long fromNode, List<GroupMessage> batch) {}

    private final List<Received> batches = new ArrayList<>();

    @Override
    public synchronized void receive(long fromNode, List<GroupMessage> batch) {
        batches.add(new Received(fromNode, batch));
    }

    synchronized List<Received> batches() {
        return List.copyOf(batches);
    }

    synchronized List<GroupMessage> messagesFrom(long node) {
        List<GroupMessage> messages = new ArrayList<>();
        for (Received received : batches) {
            if (received.fromNode() == node) {
                messages.addAll(received.batch());
            }
        }
        return messages;
    }

    synchronized int messageCount() {
        return batches.stream().mapToInt(b -> b.batch().size()).sum();
    }
}
