package dev.flotilla.transport.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Tag;
import net.jqwik.api.constraints.IntRange;

/**
 * Fuzzes the frame decoder with random and mutated frames. jqwik prints the seed of a failing run; replay it with
 * {@code @Property(seed = "...")}.
 */
class FrameDecoderFuzzTest {
    private static final int MAX_FRAME_BYTES = 4096;

    @Property(tries = 2000)
    void decodingRandomAndMutatedFramesIsSafe(@ForAll("frameBodies") byte[] body) {
        assertEquals(Optional.empty(), DecodingSafety.check(body));
    }

    @Property(tries = 500_000)
    @Tag("soak")
    void decodingRandomAndMutatedFramesIsSafeAtLength(@ForAll("frameBodies") byte[] body) {
        assertEquals(Optional.empty(), DecodingSafety.check(body));
    }

    @Example
    void theFuzzCheckerCatchesADecoderThatReadsAndAllocatesWithoutBoundsChecks() {
        long seed = new Random().nextLong();
        System.out.println("planted-bug fuzz seed = " + seed);
        Random random = new Random(seed);
        RandomGenerator<byte[]> inputs = FuzzInputs.frameBodies().generator(100);

        List<String> violations = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            byte[] body = inputs.next(random).value();
            assertEquals(Optional.empty(), DecodingSafety.check(body), "the real decoder must pass, seed " + seed);
            DecodingSafety.check(body, UncheckedWireReader::new).ifPresent(violations::add);
        }

        assertTrue(!violations.isEmpty(), "the checker found nothing wrong with the unchecked decoder, seed " + seed);
        System.out.println("the checker caught the unchecked decoder on " + violations.size() + " of 500 inputs, e.g. "
                + violations.stream()
                        .filter(v -> v.startsWith("allocated"))
                        .findFirst()
                        .orElse(violations.get(0)));
    }

    @Property(tries = 300)
    void aConnectionDeliversTheValidFramesBeforeABadOneThenClosesWithoutThrowing(
            @ForAll("validBodies") List<byte[]> before,
            @ForAll("frameBodies") byte[] suspect,
            @ForAll boolean keepLengthPrefixHonest,
            @ForAll @IntRange(min = 1, max = 64) int chunkBytes) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<Integer> frameEnds = new ArrayList<>();
        for (byte[] body : before) {
            writeFrame(stream, body, body.length);
            frameEnds.add(stream.size());
        }
        writeFrame(stream, suspect, keepLengthPrefixHonest ? suspect.length : suspect.length + 1000);
        byte[] input = stream.toByteArray();
        FrameDecoder decoder = new FrameDecoder(MessageArbitraries.TO, MAX_FRAME_BYTES);
        decoder.acceptBatchesFrom(MessageArbitraries.FROM);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);

        for (int at = 0; at < input.length && channel.isOpen(); at += chunkBytes) {
            ByteBuf chunk = Unpooled.copiedBuffer(input, at, Math.min(chunkBytes, input.length - at));
            channel.writeInbound(chunk);
        }
        channel.checkException();

        List<byte[]> delivered = new ArrayList<>();
        for (Object frame = channel.readInbound(); frame != null; frame = channel.readInbound()) {
            delivered.add(DecodingSafety.reencode((Frame) frame));
        }
        for (int i = 0; i < before.size(); i++) {
            assertTrue(i < delivered.size(), "valid frame " + i + " was not delivered");
            assertTrue(Arrays.equals(before.get(i), delivered.get(i)), "frame " + i + " changed");
        }
        Optional<String> verdict = DecodingSafety.check(suspect);
        boolean suspectIsValid = verdict.isEmpty() && decodes(suspect) && keepLengthPrefixHonest;
        if (suspectIsValid && suspect.length + 4 <= MAX_FRAME_BYTES) {
            assertEquals(before.size() + 1, delivered.size(), "a valid last frame was not delivered");
            assertTrue(channel.isOpen());
        } else {
            assertEquals(before.size(), delivered.size(), "something was delivered from a bad frame");
            boolean waitingForMoreBytes = !keepLengthPrefixHonest && suspect.length + 1004 <= MAX_FRAME_BYTES;
            assertTrue(waitingForMoreBytes || !channel.isOpen(), "a bad frame left the connection open");
        }
        assertFalse(channel.finish() && channel.readInbound() != null, "a frame was delivered at close");
    }

    @Property(tries = 50_000)
    @Tag("soak")
    void aConnectionDeliversTheValidFramesBeforeABadOneThenClosesWithoutThrowingAtLength(
            @ForAll("validBodies") List<byte[]> before,
            @ForAll("frameBodies") byte[] suspect,
            @ForAll boolean keepLengthPrefixHonest,
            @ForAll @IntRange(min = 1, max = 64) int chunkBytes) {
        aConnectionDeliversTheValidFramesBeforeABadOneThenClosesWithoutThrowing(
                before, suspect, keepLengthPrefixHonest, chunkBytes);
    }

    @Provide
    Arbitrary<byte[]> frameBodies() {
        return FuzzInputs.frameBodies();
    }

    @Provide
    Arbitrary<List<byte[]>> validBodies() {
        return FuzzInputs.validBodies().list().ofMaxSize(3);
    }

    private static boolean decodes(byte[] body) {
        try {
            FrameReader.read(
                    new WireReader(Unpooled.wrappedBuffer(body)),
                    body.length + 4,
                    OptionalLong.of(MessageArbitraries.FROM),
                    MessageArbitraries.TO);
            return true;
        } catch (MalformedFrameException e) {
            return false;
        }
    }

    private static void writeFrame(ByteArrayOutputStream stream, byte[] body, int declaredLength) {
        stream.write(declaredLength >>> 24);
        stream.write(declaredLength >>> 16);
        stream.write(declaredLength >>> 8);
        stream.write(declaredLength);
        stream.writeBytes(body);
    }

    /** The planted bug: a reader that trusts lengths and reads past the end of the frame. */
    private static final class UncheckedWireReader extends WireReader {
        UncheckedWireReader(ByteBuf in) {
            super(in);
        }

        @Override
        void requireReadable(int bytes, String what) {}
    }
}
