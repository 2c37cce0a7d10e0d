package dev.flotilla.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class TransportConfigTest {
    private static final TransportConfig DEFAULTS = TransportConfig.defaults(1, 7, new InetSocketAddress(0));

    @Test
    void defaultsSuitASmallMachine() {
        assertEquals(1, DEFAULTS.ioThreads());
        assertEquals(16 << 20, DEFAULTS.maxFrameBytes());
        assertEquals(Optional.empty(), DEFAULTS.tls());
    }

    @Test
    void refusesEachInvalidSettingNamingIt() {
        assertRefused(
                "nodeId",
                c -> copy(
                        c,
                        0,
                        c.ioThreads(),
                        c.maxFrameBytes(),
                        c.maxQueuedMessagesPerPeer(),
                        c.maxQueuedBytesPerPeer(),
                        c.reconnectBackoffMin(),
                        c.reconnectBackoffMax()));
        assertRefused(
                "ioThreads",
                c -> copy(
                        c,
                        1,
                        0,
                        c.maxFrameBytes(),
                        c.maxQueuedMessagesPerPeer(),
                        c.maxQueuedBytesPerPeer(),
                        c.reconnectBackoffMin(),
                        c.reconnectBackoffMax()));
        assertRefused(
                "maxFrameBytes",
                c -> copy(
                        c,
                        1,
                        1,
                        100,
                        c.maxQueuedMessagesPerPeer(),
                        c.maxQueuedBytesPerPeer(),
                        c.reconnectBackoffMin(),
                        c.reconnectBackoffMax()));
        assertRefused("maxQueuedMessagesPerPeer", c -> c.withMaxQueuedMessagesPerPeer(0));
        assertRefused(
                "maxQueuedBytesPerPeer",
                c -> copy(
                        c,
                        1,
                        1,
                        c.maxFrameBytes(),
                        10,
                        c.maxFrameBytes() - 1L,
                        c.reconnectBackoffMin(),
                        c.reconnectBackoffMax()));
        assertRefused("reconnectBackoffMin", c -> c.withReconnectBackoff(Duration.ZERO, Duration.ofSeconds(1)));
        assertRefused("reconnectBackoffMax", c -> c.withReconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }

    private static void assertRefused(String setting, UnaryOperator<TransportConfig> change) {
        IllegalArgumentException refused =
                assertThrows(IllegalArgumentException.class, () -> change.apply(DEFAULTS), setting);
        assertTrue(refused.getMessage().startsWith(setting), refused.getMessage());
    }

    private static TransportConfig copy(
            TransportConfig c,
            long nodeId,
            int ioThreads,
            int maxFrameBytes,
            int maxQueuedMessagesPerPeer,
            long maxQueuedBytesPerPeer,
            Duration backoffMin,
            Duration backoffMax) {
        return new TransportConfig(
                nodeId,
                c.clusterId(),
                c.listenAddress(),
                ioThreads,
                maxFrameBytes,
                maxQueuedMessagesPerPeer,
                maxQueuedBytesPerPeer,
                backoffMin,
                backoffMax,
                c.connectTimeout(),
                c.handshakeTimeout(),
                c.tls());
    }
}
