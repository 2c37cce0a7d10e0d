package dev.flotilla.transport.netty;

import dev.flotilla.raft.Entry;
import dev.flotilla.raft.Message;
import dev.flotilla.transport.GroupMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Plausible Raft traffic from one node to another, drawn from a seeded {@link Random}. */
final class SampleMessages {
    private SampleMessages() {}

    static GroupMessage random(Random random, long from, long to, long groupId) {
        long term = 1 + random.nextInt(5);
        long index = 1 + random.nextInt(1000);
        Message message =
                switch (random.nextInt(6)) {
                    case 0 -> new Message.Append(from, to, term, index, term, entries(random, index + 1, term), index);
                    case 1 -> new Message.AppendResponse(from, to, term, random.nextBoolean(), index, index, term);
                    case 2 -> new Message.VoteRequest(from, to, term, index, term, random.nextBoolean(), false);
                    case 3 -> new Message.VoteResponse(from, to, term, false, random.nextBoolean());
                    case 4 -> new Message.Heartbeat(from, to, term, index, new byte[0], 100);
                    default -> new Message.HeartbeatResponse(from, to, term, new byte[0], 100);
                };
        return new GroupMessage(groupId, message);
    }

    static GroupMessage append(long from, long to, long groupId, long index, int payloadBytes) {
        return new GroupMessage(
                groupId,
                new Message.Append(
                        from, to, 1, index - 1, 1, List.of(Entry.normal(index, 1, new byte[payloadBytes])), index - 1));
    }

    static GroupMessage heartbeat(long from, long to, long groupId) {
        return new GroupMessage(groupId, new Message.Heartbeat(from, to, 3, 1000 + groupId, new byte[0], 5000));
    }

    private static List<Entry> entries(Random random, long firstIndex, long term) {
        List<Entry> entries = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            byte[] data = new byte[random.nextInt(64)];
            random.nextBytes(data);
            entries.add(Entry.normal(firstIndex + entries.size(), term, data));
        }
        return entries;
    }
}
