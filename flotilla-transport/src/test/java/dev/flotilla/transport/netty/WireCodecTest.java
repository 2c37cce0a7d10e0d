package dev.flotilla.transport.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.transport.GroupMessage;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class WireCodecTest {

    @Property(tries = 300)
    void everyMessageKindSurvivesEncodeDecodeInDeliveryOrder(@ForAll("batches") List<GroupMessage> sent)
            throws MalformedFrameException {
        byte[] frame = TestFrames.encodeOne(sent);

        Frame.Batch decoded = (Frame.Batch) TestFrames.decode(frame);

        assertEquals(frame.length, decoded.frameBytes());
        assertEquals(texts(TestFrames.deliveryOrder(sent)), texts(decoded.messages()));
    }

    @Property(tries = 300)
    void reencodingADecodedFrameGivesTheSameBytes(@ForAll("batches") List<GroupMessage> sent)
            throws MalformedFrameException {
        byte[] frame = TestFrames.encodeOne(sent);

        Frame.Batch decoded = (Frame.Batch) TestFrames.decode(frame);

        assertArrayEquals(frame, TestFrames.encodeOne(decoded.messages()));
    }

    @Property(tries = 100)
    void aBatchOverTheFrameLimitIsSplitIntoFramesWithinTheLimitLosingNothing(
            @ForAll("batches") List<GroupMessage> sent, @ForAll @IntRange(min = 1024, max = 4096) int maxFrameBytes)
            throws MalformedFrameException {
        List<GroupMessage> many = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            many.addAll(sent);
        }

        List<byte[]> frames = TestFrames.encode(many, maxFrameBytes);

        List<String> received = new ArrayList<>();
        for (byte[] frame : frames) {
            assertTrue(frame.length <= maxFrameBytes, frame.length + " > " + maxFrameBytes);
            received.addAll(texts(((Frame.Batch) TestFrames.decode(frame)).messages()));
        }
        assertEquals(sorted(texts(many)), sorted(received));
    }

    @Property(tries = 200)
    void theSizeBoundOfEveryMessageIsAtLeastItsEncodedSize(@ForAll("messages") GroupMessage message) {
        byte[] alone = TestFrames.encodeOne(List.of(message));

        long bound = QueuedMessage.of(message).maxEncodedBytes() + WireFormat.MAX_BATCH_OVERHEAD_BYTES;
        assertTrue(alone.length <= bound, alone.length + " bytes encoded, bound " + bound);
    }

    @Provide
    Arbitrary<List<GroupMessage>> batches() {
        return MessageArbitraries.batches();
    }

    @Provide
    Arbitrary<GroupMessage> messages() {
        return MessageArbitraries.groupMessages();
    }

    private static List<String> texts(List<GroupMessage> messages) {
        return messages.stream().map(RecordText::of).toList();
    }

    private static List<String> sorted(List<String> texts) {
        return texts.stream().sorted().toList();
    }
}
