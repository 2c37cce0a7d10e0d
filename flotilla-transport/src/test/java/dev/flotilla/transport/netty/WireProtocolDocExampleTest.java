package dev.flotilla.transport.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.raft.Entry;
import dev.flotilla.raft.Message;
import dev.flotilla.transport.GroupMessage;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Decodes the example frames of docs/wire-protocol.md, read from the document itself. */
class WireProtocolDocExampleTest {
    private static final Path DOC = Path.of("..", "docs", "wire-protocol.md");
    private static final Pattern HEX_PAIR = Pattern.compile("[0-9A-F]{2}");

    @Test
    void theHelloExampleDecodesToNodeOneOfClusterFortyTwo() throws Exception {
        byte[] frame = exampleFrames().get(0);

        Frame decoded = FrameReader.read(
                new WireReader(Unpooled.wrappedBuffer(frame, 4, frame.length - 4)),
                frame.length,
                OptionalLong.empty(),
                2);

        assertEquals(new Frame.Hello(42, 1), decoded);
        assertArrayEquals(frame, ByteBufUtil.getBytes(FrameWriter.hello(UnpooledByteBufAllocator.DEFAULT, 42, 1)));
    }

    @Test
    void theBatchExampleDecodesToItsMessagesInDeliveryOrder() throws Exception {
        byte[] frame = exampleFrames().get(1);
        GroupMessage heartbeat300 = new GroupMessage(
                300, new Message.Heartbeat(1, 2, 2, 5, "r1".getBytes(StandardCharsets.US_ASCII), 1000));
        GroupMessage append300 = new GroupMessage(
                300,
                new Message.Append(
                        1, 2, 3, 9, 3, List.of(Entry.normal(10, 3, "abc".getBytes(StandardCharsets.US_ASCII))), 8));
        GroupMessage heartbeat7 = new GroupMessage(7, new Message.Heartbeat(1, 2, 3, 8, new byte[0], 1000));

        Frame.Batch decoded = (Frame.Batch) TestFrames.decode(frame);

        assertEquals(
                List.of(append300, heartbeat7, heartbeat300).stream()
                        .map(RecordText::of)
                        .toList(),
                decoded.messages().stream().map(RecordText::of).toList());
        assertArrayEquals(frame, TestFrames.encodeOne(List.of(heartbeat300, append300, heartbeat7)));
    }

    /** The ```hex blocks of the document: on each line, the hex pairs before the first other word. */
    private static List<byte[]> exampleFrames() throws IOException {
        List<byte[]> frames = new ArrayList<>();
        ByteArrayOutputStream block = null;
        for (String line : Files.readAllLines(DOC)) {
            if (line.equals("```hex")) {
                block = new ByteArrayOutputStream();
            } else if (block != null && line.equals("```")) {
                frames.add(block.toByteArray());
                block = null;
            } else if (block != null) {
                for (String token : line.trim().split("\\s+")) {
                    if (!HEX_PAIR.matcher(token).matches()) {
                        break;
                    }
                    block.write(HexFormat.of().parseHex(token)[0]);
                }
            }
        }
        return frames;
    }
}
