package dev.flotilla.transport.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.transport.GroupMessage;
import dev.flotilla.transport.PeerStats;
import dev.flotilla.transport.TransportConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Messages/s and MB/s between two transports over loopback: 1,000 groups, each sending a one-entry append of
 * {@value #PAYLOAD_BYTES} bytes per round, one flush per round. Run longer with {@code
 * -Dflotilla.throughput.seconds=10}.
 */
class LoopbackThroughputTest {
    private static final int GROUPS = 1000;
    private static final int PAYLOAD_BYTES = 64;
    private static final int MAX_ROUNDS_IN_FLIGHT = 20;

    @Test
    void twoNodesCarryTensOfThousandsOfSmallAppendsPerSecond() {
        double seconds = Double.parseDouble(System.getProperty("flotilla.throughput.seconds", "2"));
        AtomicLong received = new AtomicLong();
        Map<Long, InetSocketAddress> members = new ConcurrentHashMap<>();
        try (NettyTransport a = new NettyTransport(config(1), id -> Optional.ofNullable(members.get(id)));
                NettyTransport b = new NettyTransport(config(2), id -> Optional.ofNullable(members.get(id)))) {
            a.start((from, batch) -> {});
            b.start((from, batch) -> received.addAndGet(batch.size()));
            members.put(1L, a.localAddress());
            members.put(2L, b.localAddress());
            GroupMessage[] appends = new GroupMessage[GROUPS];
            for (int g = 0; g < GROUPS; g++) {
                appends[g] = SampleMessages.append(1, 2, g + 1, 100, PAYLOAD_BYTES);
            }

            long sent = 0;
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                while (sent - received.get() > (long) MAX_ROUNDS_IN_FLIGHT * GROUPS) {
                    LockSupport.parkNanos(50_000);
                }
                for (GroupMessage append : appends) {
                    a.send(append);
                }
                a.flush();
                sent += GROUPS;
            }
            long total = sent;
            Await.until("every message arrives", () -> received.get() == total);
            double elapsed = (System.nanoTime() - start) / 1e9;

            PeerStats stats = a.peerStats().get(2L);
            System.out.printf(
                    "loopback throughput: %,.0f messages/s, %.1f MB/s on the wire (%.1f MB/s of entry data), "
                            + "%,d frames of %,d bytes on average, %d groups x %d-byte appends, %.1f s%n",
                    total / elapsed,
                    stats.bytesSent() / elapsed / 1e6,
                    total * PAYLOAD_BYTES / elapsed / 1e6,
                    stats.framesSent(),
                    stats.bytesSent() / Math.max(1, stats.framesSent()),
                    GROUPS,
                    PAYLOAD_BYTES,
                    elapsed);
            assertEquals(0, stats.messagesDropped());
            assertTrue(total / elapsed > 10_000, "only " + total / elapsed + " messages/s");
        }
    }

    private static TransportConfig config(long nodeId) {
        return TransportConfig.defaults(nodeId, 7, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }
}
