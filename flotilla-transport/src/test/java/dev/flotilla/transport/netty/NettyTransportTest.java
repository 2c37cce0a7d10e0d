package dev.flotilla.transport.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.raft.Message;
import dev.flotilla.transport.ConnectionState;
import dev.flotilla.transport.GroupMessage;
import dev.flotilla.transport.PeerStats;
import dev.flotilla.transport.TransportConfig;
import dev.flotilla.transport.TransportException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real transports on loopback TCP. */
class NettyTransportTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @ParameterizedTest(name = "{0} I/O threads")
    @ValueSource(ints = {1, 2})
    void threeNodesExchangeTheMessagesOfManyGroupsIntactAndFromTheRightSender(int ioThreads) {
        List<LoopbackNode> nodes = new ArrayList<>();
        for (long id = 1; id <= 3; id++) {
            nodes.add(track(new LoopbackNode(LoopbackNode.config(id).withIoThreads(ioThreads))));
        }
        nodes.forEach(node -> node.knows(nodes));
        long seed = new Random().nextLong();
        System.out.println("threeNodesExchange seed = " + seed);
        Random random = new Random(seed);
        Map<Long, Map<Long, List<GroupMessage>>> sentByReceiverAndSender = new HashMap<>();

        for (int round = 0; round < 5; round++) {
            for (LoopbackNode sender : nodes) {
                for (LoopbackNode receiver : nodes) {
                    if (receiver == sender) {
                        continue;
                    }
                    for (long group = 1; group <= 200; group++) {
                        GroupMessage message = SampleMessages.random(random, sender.id, receiver.id, group);
                        sender.transport.send(message);
                        sentByReceiverAndSender
                                .computeIfAbsent(receiver.id, r -> new HashMap<>())
                                .computeIfAbsent(sender.id, s -> new ArrayList<>())
                                .add(message);
                    }
                }
                sender.transport.flush();
            }
        }

        for (LoopbackNode receiver : nodes) {
            Await.until("node " + receiver.id + " has every message", () -> receiver.receiver.messageCount() == 2000);
            for (LoopbackNode sender : nodes) {
                if (sender != receiver) {
                    assertEquals(
                            sortedTexts(sentByReceiverAndSender.get(receiver.id).get(sender.id)),
                            sortedTexts(receiver.receiver.messagesFrom(sender.id)),
                            "messages from node " + sender.id + " to node " + receiver.id + ", seed " + seed);
                }
            }
        }
    }

    @Test
    void everythingQueuedForANodeBeforeAFlushTravelsAsOneFrame() {
        List<LoopbackNode> nodes = cluster(2);
        LoopbackNode a = nodes.get(0);
        LoopbackNode b = nodes.get(1);
        connect(a, b);
        PeerStats sentBefore = a.stats(b.id);
        int batchesBefore = b.receiver.batches().size();

        for (int i = 0; i < 1000; i++) {
            a.transport.send(SampleMessages.append(a.id, b.id, 1 + i % 100, 10 + i, 16));
        }
        a.transport.flush();

        Await.until("b has the 1000 messages", () -> b.receiver.messageCount() == 1001);
        Await.until("a counts them", () -> a.stats(b.id).messagesSent() == sentBefore.messagesSent() + 1000);
        assertEquals(batchesBefore + 1, b.receiver.batches().size(), "batches delivered");
        assertEquals(1000, b.receiver.batches().get(batchesBefore).batch().size());
        assertEquals(sentBefore.framesSent() + 1, a.stats(b.id).framesSent());
        assertEquals(sentBefore.messagesSent() + 1000, a.stats(b.id).messagesSent());
        Await.until("b counted the frame", () -> b.stats(a.id).framesReceived() == 2);
        assertEquals(1001, b.stats(a.id).messagesReceived());
        assertEquals(a.stats(b.id).bytesSent(), b.stats(a.id).bytesReceived());
    }

    @Test
    void heartbeatsOfAThousandGroupsMergeIntoOneFrameFarSmallerThanAThousandSingleHeartbeats() {
        List<LoopbackNode> nodes = cluster(2);
        LoopbackNode a = nodes.get(0);
        LoopbackNode b = nodes.get(1);
        connect(a, b);

        long before = a.stats(b.id).bytesSent();
        a.sendAndFlush(SampleMessages.heartbeat(a.id, b.id, 500));
        Await.until("one heartbeat sent", () -> a.stats(b.id).messagesSent() == 2);
        long singleHeartbeatBytes = a.stats(b.id).bytesSent() - before;

        long framesBefore = a.stats(b.id).framesSent();
        long bytesBefore = a.stats(b.id).bytesSent();
        for (long group = 1; group <= 1000; group++) {
            a.transport.send(SampleMessages.heartbeat(a.id, b.id, group));
        }
        a.transport.flush();
        Await.until("1000 heartbeats sent", () -> a.stats(b.id).messagesSent() == 1002);
        long mergedBytes = a.stats(b.id).bytesSent() - bytesBefore;

        System.out.printf(
                "heartbeats: 1 alone = %d bytes; 1000 merged = %d bytes (%.1f per group)%n",
                singleHeartbeatBytes, mergedBytes, mergedBytes / 1000.0);
        assertEquals(framesBefore + 1, a.stats(b.id).framesSent());
        assertTrue(
                mergedBytes * 3 < 1000 * singleHeartbeatBytes,
                mergedBytes + " bytes for 1000 heartbeats vs " + singleHeartbeatBytes + " for one");
        Await.until("b has them", () -> b.receiver.messageCount() == 1002);
        List<GroupMessage> received = b.receiver.messagesFrom(a.id);
        assertEquals(
                RecordText.of(SampleMessages.heartbeat(a.id, b.id, 1000)),
                RecordText.of(received.get(received.size() - 1)));
    }

    @Test
    void aRestartedPeerIsReconnectedAndGetsWhatWasQueuedWhileItWasDown() {
        List<LoopbackNode> nodes = cluster(2);
        LoopbackNode a = nodes.get(0);
        LoopbackNode b = nodes.get(1);
        connect(a, b);
        int port = b.address().getPort();

        b.close();
        Await.until("a notices", () -> a.stats(b.id).state() != ConnectionState.CONNECTED);
        a.sendAndFlush(SampleMessages.append(a.id, b.id, 42, 7, 8));
        LoopbackNode restarted = track(new LoopbackNode(LoopbackNode.config(b.id, port)).knows(List.of(a)));

        Await.until("the queued message arrives", () -> restarted.receiver.messageCount() == 1);
        assertEquals(42, restarted.receiver.messagesFrom(a.id).get(0).groupId());
        assertEquals(2, a.stats(b.id).connectionsEstablished());
        assertEquals(ConnectionState.CONNECTED, a.stats(b.id).state());
        a.sendAndFlush(SampleMessages.append(a.id, b.id, 43, 8, 8));
        Await.until("traffic resumes", () -> restarted.receiver.messageCount() == 2);
    }

    @Test
    void aFullQueueDropsNewMessagesAndCountsThem() throws IOException {
        LoopbackNode a = track(new LoopbackNode(LoopbackNode.config(1).withMaxQueuedMessagesPerPeer(10)));
        a.members.put(9L, unusedLoopbackAddress());

        for (int i = 0; i < 25; i++) {
            a.transport.send(SampleMessages.append(a.id, 9, i, 5, 8));
        }
        a.transport.flush();

        assertEquals(15, a.stats(9).messagesDropped());
        assertEquals(0, a.stats(9).messagesSent());
        Await.until("a backs off", () -> a.stats(9).state() == ConnectionState.BACKING_OFF);
    }

    @Test
    void messagesToANodeThatIsNotAMemberAreDroppedAndCounted() {
        LoopbackNode a = track(new LoopbackNode(LoopbackNode.config(1)));

        a.sendAndFlush(SampleMessages.append(a.id, 5, 1, 5, 8));

        assertEquals(1, a.stats(5).messagesDropped());
        assertEquals(ConnectionState.IDLE, a.stats(5).state());
    }

    @Test
    void sendingAMessageFromAnotherNodeOrToItselfIsACallerError() {
        LoopbackNode a = track(new LoopbackNode(LoopbackNode.config(1)));

        assertThrows(IllegalArgumentException.class, () -> a.transport.send(SampleMessages.heartbeat(2, 3, 1)));
        assertThrows(IllegalArgumentException.class, () -> a.transport.send(SampleMessages.heartbeat(1, 1, 1)));
    }

    @Test
    void aNodeThatIsNotAMemberIsRefusedAtTheHandshake() {
        try (LogCapture log = new LogCapture()) {
            LoopbackNode a = track(new LoopbackNode(LoopbackNode.config(1)));
            LoopbackNode stranger = track(new LoopbackNode(LoopbackNode.config(3)).knows(List.of(a)));

            stranger.sendAndFlush(SampleMessages.heartbeat(3, 1, 1));

            Await.until("a refuses node 3", () -> log.contains("node 3 is not a member"));
            Await.until("node 3 hears why", () -> log.contains("refused the connection: NOT_A_MEMBER"));
            assertEquals(0, stranger.stats(a.id).connectionsEstablished());
            assertEquals(0, a.receiver.messageCount());
        }
    }

    @Test
    void aNodeOfAnotherClusterIsRefusedAtTheHandshake() {
        try (LogCapture log = new LogCapture()) {
            LoopbackNode a = track(new LoopbackNode(LoopbackNode.config(1)));
            TransportConfig otherCluster = TransportConfig.defaults(
                    2, LoopbackNode.CLUSTER + 1, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            LoopbackNode foreign = track(new LoopbackNode(otherCluster).knows(List.of(a)));
            a.knows(List.of(foreign));

            foreign.sendAndFlush(SampleMessages.heartbeat(2, 1, 1));

            Await.until("a refuses the foreign node", () -> log.contains("node 2 is in cluster 8"));
            Await.until("the foreign node hears why", () -> log.contains("refused the connection: WRONG_CLUSTER"));
            assertEquals(0, foreign.stats(a.id).connectionsEstablished());
            assertEquals(0, a.receiver.messageCount());
        }
    }

    @Test
    void aNodeRemovedFromTheMembershipCanNoLongerDeliver() {
        try (LogCapture log = new LogCapture()) {
            List<LoopbackNode> nodes = cluster(2);
            LoopbackNode a = nodes.get(0);
            LoopbackNode b = nodes.get(1);
            connect(b, a);

            a.members.remove(b.id);
            b.sendAndFlush(SampleMessages.heartbeat(b.id, a.id, 2));

            Await.until("a drops node 2", () -> log.contains("node 2 is no longer a member"));
            assertEquals(1, a.receiver.messageCount());
        }
    }

    @Test
    void aNodeAcceptsAConnectionOnlyFromTheNodeItDialed() {
        try (LogCapture log = new LogCapture()) {
            List<LoopbackNode> nodes = cluster(2);
            LoopbackNode a = nodes.get(0);
            LoopbackNode b = nodes.get(1);
            a.members.put(5L, b.address());

            a.sendAndFlush(SampleMessages.heartbeat(a.id, 5, 1));

            Await.until(
                    "a notices it reached node 2", () -> log.contains("expected node 5 of cluster 7, found node 2"));
            assertEquals(0, a.stats(5).connectionsEstablished());
            assertNotEquals(ConnectionState.CONNECTED, a.stats(5).state());
        }
    }

    @Test
    void aNewConnectionFromANodeReplacesItsOlderOneAndTheRealNodeWinsItBack() throws IOException {
        try (LogCapture log = new LogCapture()) {
            List<LoopbackNode> nodes = cluster(2);
            LoopbackNode a = nodes.get(0);
            LoopbackNode b = nodes.get(1);
            connect(b, a);

            try (Socket impostor =
                    new Socket(a.address().getAddress(), a.address().getPort())) {
                impostor.setSoTimeout(10_000);
                impostor.getOutputStream().write(helloBytes(LoopbackNode.CLUSTER, b.id));
                impostor.getInputStream().readNBytes(WireFormat.MAX_HANDSHAKE_FRAME_BYTES);
                Await.until("a replaces b's connection", () -> log.contains("new connection from node 2 replaces"));

                assertEquals(-1, impostor.getInputStream().read(), "b's redial replaces the impostor");
            }
            Await.until("b is connected again", () -> b.stats(a.id).connectionsEstablished() == 2);
            b.sendAndFlush(SampleMessages.heartbeat(b.id, a.id, 3));
            Await.until("b's message arrives", () -> a.receiver.messageCount() == 2);
        }
    }

    @Test
    void aReceiverThatThrowsIsLoggedAndTheConnectionKeepsDelivering() {
        try (LogCapture log = new LogCapture()) {
            Map<Long, InetSocketAddress> members = new ConcurrentHashMap<>();
            List<Long> groupsReceived = new CopyOnWriteArrayList<>();
            NettyTransport a = new NettyTransport(LoopbackNode.config(1), id -> Optional.ofNullable(members.get(id)));
            toClose.add(a);
            a.start((from, batch) -> {
                groupsReceived.add(batch.get(0).groupId());
                if (batch.get(0).groupId() == 1) {
                    throw new IllegalStateException("receiver bug");
                }
            });
            members.put(1L, a.localAddress());
            LoopbackNode b = track(new LoopbackNode(LoopbackNode.config(2)));
            b.members.put(1L, a.localAddress());
            members.put(2L, b.address());

            b.sendAndFlush(SampleMessages.heartbeat(b.id, 1, 1));
            Await.until("the failure is logged", () -> log.contains("the message receiver failed"));
            b.sendAndFlush(SampleMessages.heartbeat(b.id, 1, 2));

            Await.until("the next batch arrives", () -> groupsReceived.equals(List.of(1L, 2L)));
            assertEquals(1, b.stats(1).connectionsEstablished());
        }
    }

    @Test
    void startingOnAnAddressInUseFailsWithATransportException() {
        LoopbackNode a = track(new LoopbackNode(LoopbackNode.config(1)));
        NettyTransport second =
                new NettyTransport(LoopbackNode.config(2, a.address().getPort()), id -> Optional.empty());

        TransportException failure = assertThrows(TransportException.class, () -> second.start((from, batch) -> {}));

        assertTrue(failure.getMessage().contains("cannot listen on"), failure.getMessage());
        second.close();
    }

    @Test
    void aConnectionThatSaysNothingIsClosedAfterTheHandshakeTimeout() throws IOException {
        try (LogCapture log = new LogCapture()) {
            TransportConfig defaults = LoopbackNode.config(1);
            TransportConfig impatient = new TransportConfig(
                    1,
                    defaults.clusterId(),
                    defaults.listenAddress(),
                    1,
                    defaults.maxFrameBytes(),
                    defaults.maxQueuedMessagesPerPeer(),
                    defaults.maxQueuedBytesPerPeer(),
                    defaults.reconnectBackoffMin(),
                    defaults.reconnectBackoffMax(),
                    defaults.connectTimeout(),
                    Duration.ofMillis(200),
                    defaults.tls());
            LoopbackNode a = track(new LoopbackNode(impatient));

            try (Socket silent =
                    new Socket(a.address().getAddress(), a.address().getPort())) {
                silent.setSoTimeout(5000);
                long start = System.nanoTime();

                assertEquals(-1, silent.getInputStream().read());

                assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos());
            }
            Await.until("the reason is logged", () -> log.contains("no handshake within 200 ms"));
        }
    }

    private List<LoopbackNode> cluster(int size) {
        List<LoopbackNode> nodes = new ArrayList<>();
        for (long id = 1; id <= size; id++) {
            nodes.add(track(new LoopbackNode(LoopbackNode.config(id))));
        }
        nodes.forEach(node -> node.knows(nodes));
        return nodes;
    }

    /** Sends one message from {@code from} to {@code to} and waits for it: the connection is then up. */
    private static void connect(LoopbackNode from, LoopbackNode to) {
        int before = to.receiver.messageCount();
        long sentBefore = from.stats(to.id).messagesSent();
        from.sendAndFlush(new GroupMessage(0, new Message.TimeoutNow(from.id, to.id, 1)));
        Await.until("node " + from.id + " reaches node " + to.id, () -> to.receiver.messageCount() == before + 1);
        Await.until(
                "node " + from.id + " counts the message",
                () -> from.stats(to.id).messagesSent() == sentBefore + 1);
    }

    private LoopbackNode track(LoopbackNode node) {
        toClose.add(node);
        return node;
    }

    private static byte[] helloBytes(long clusterId, long nodeId) {
        ByteBuf hello = FrameWriter.hello(UnpooledByteBufAllocator.DEFAULT, clusterId, nodeId);
        byte[] bytes = ByteBufUtil.getBytes(hello);
        hello.release();
        return bytes;
    }

    private static InetSocketAddress unusedLoopbackAddress() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
        }
    }

    private static List<String> sortedTexts(List<GroupMessage> messages) {
        return messages.stream().map(RecordText::of).sorted().toList();
    }
}
