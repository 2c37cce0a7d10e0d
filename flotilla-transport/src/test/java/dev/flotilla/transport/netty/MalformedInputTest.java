package dev.flotilla.transport.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad bytes over a raw socket close that connection only, with a logged reason; the node keeps working. */
class MalformedInputTest {
    private static final long RAW_NODE = 9;

    private LoopbackNode a;
    private LoopbackNode b;
    private LogCapture log;

    @BeforeEach
    void startNodes() {
        a = new LoopbackNode(LoopbackNode.config(1));
        b = new LoopbackNode(LoopbackNode.config(2));
        a.knows(List.of(b));
        b.knows(List.of(a));
        a.members.put(RAW_NODE, new InetSocketAddress(a.address().getAddress(), 1));
        log = new LogCapture();
    }

    @AfterEach
    void stopNodes() {
        log.close();
        b.close();
        a.close();
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                Arguments.of(
                        "oversized frame before the handshake", false, "00 10 00 00 01 01", "exceeds the limit of 22"),
                Arguments.of(
                        "not our protocol at all", false, hex("GET / HTTP/1.1\r\n\r\n"), "exceeds the limit of 22"),
                Arguments.of("frame shorter than its header", false, "00 00 00 01 01", "shorter than a frame header"),
                Arguments.of("batch before the handshake", false, "00 00 00 05 01 03 00 00 00", "accepts none"),
                Arguments.of("unknown version", true, "00 00 00 05 07 03 00 00 00", "unsupported protocol version 7"),
                Arguments.of("unknown frame kind", true, "00 00 00 02 01 09", "unknown frame kind 9"),
                Arguments.of("count beyond the frame", true, "00 00 00 05 01 03 7F 00 00", "message count 127 exceeds"),
                Arguments.of(
                        "unknown message kind", true, "00 00 00 08 01 03 01 05 63 01 00 00", "unknown message kind 99"),
                Arguments.of(
                        "data length beyond the frame",
                        true,
                        "00 00 00 0A 01 03 01 05 07 01 00 FF FF 03",
                        "proposal data: needs"),
                Arguments.of(
                        "oversized frame after the handshake",
                        true,
                        "01 00 00 01 01 03",
                        "exceeds the limit of 16777216"),
                Arguments.of(
                        "a second hello",
                        true,
                        "00 00 00 12 01 01 00 00 00 00 00 00 00 07 00 00 00 00 00 00 00 09",
                        "unexpected Hello frame"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void aBadFrameClosesOnlyItsConnectionWithALoggedReason(
            String description, boolean handshakeFirst, String badBytes, String loggedReason) throws Exception {
        try (Socket raw = new Socket(a.address().getAddress(), a.address().getPort())) {
            raw.setSoTimeout(5000);
            if (handshakeFirst) {
                raw.getOutputStream()
                        .write(bytes(
                                FrameWriter.hello(UnpooledByteBufAllocator.DEFAULT, LoopbackNode.CLUSTER, RAW_NODE)));
                assertArrayEquals(
                        bytes(FrameWriter.hello(UnpooledByteBufAllocator.DEFAULT, LoopbackNode.CLUSTER, a.id)),
                        raw.getInputStream().readNBytes(WireFormat.MAX_HANDSHAKE_FRAME_BYTES),
                        "node 1 accepts the raw node's hello");
            }

            raw.getOutputStream().write(HexFormat.ofDelimiter(" ").parseHex(badBytes));

            assertTrue(closedByPeer(raw.getInputStream()), "the connection was not closed");
        }
        Await.until("the reason is logged: " + loggedReason, () -> log.contains(loggedReason));
        b.sendAndFlush(SampleMessages.heartbeat(b.id, a.id, 1));
        Await.until("node 1 still takes messages", () -> a.receiver.messageCount() == 1);
        assertEquals(0, a.receiver.messagesFrom(RAW_NODE).size());
    }

    private static boolean closedByPeer(InputStream in) throws IOException {
        try {
            while (true) {
                if (in.read() == -1) {
                    return true;
                }
            }
        } catch (SocketException reset) {
            return true;
        }
    }

    private static byte[] bytes(ByteBuf frame) {
        byte[] bytes = ByteBufUtil.getBytes(frame);
        frame.release();
        return bytes;
    }

    private static String hex(String text) {
        return HexFormat.ofDelimiter(" ").formatHex(text.getBytes(StandardCharsets.US_ASCII));
    }
}
