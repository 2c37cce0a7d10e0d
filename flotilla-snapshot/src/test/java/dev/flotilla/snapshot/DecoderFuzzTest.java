package dev.flotilla.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.flotilla.snapshot.wire.Frames;
import dev.flotilla.snapshot.wire.ProtocolException;
import dev.flotilla.snapshot.wire.Request;
import dev.flotilla.snapshot.wire.ResponseReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.zip.CRC32C;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Tag;

/**
 * Fuzzes the three decoders that read bytes from the network: the manifest, the request frames (sender side) and the
 * response frames (receiver side). Each input must decode or be rejected with the decoder's own exception, within
 * {@value #MAX_MILLIS} ms, allocating at most {@value #ALLOCATION_FACTOR} times its size plus {@value
 * #ALLOCATION_SLACK} bytes. jqwik prints the seed of a failing run; replay it with {@code @Property(seed = "...")}.
 */
class DecoderFuzzTest {
    private static final long MAX_MILLIS = 200;
    private static final long ALLOCATION_FACTOR = 8;
    private static final long ALLOCATION_SLACK = 256 << 10;
    private static final SnapshotManifest SAMPLE = new SnapshotManifest(
            1,
            2,
            3,
            new byte[] {4},
            SnapshotManifest.MIN_CHUNK_BYTES,
            List.of(
                    new SnapshotFile("a.sst", 10_000, 5, new int[3]),
                    new SnapshotFile("b", 0, 0, new int[0]),
                    new SnapshotFile("c-1", 4096, 6, new int[1])));

    /** A decoder under test: returns normally or throws only what it declares for bad input. */
    interface Decoder {
        void decode(byte[] input) throws Exception;
    }

    @Property(tries = 2000)
    void manifestDecodingIsSafe(@ForAll("manifests") byte[] input) {
        assertEquals(Optional.empty(), check(input, DecoderFuzzTest::decodeManifest));
    }

    @Property(tries = 2000)
    void requestDecodingIsSafe(@ForAll("requests") byte[] input) {
        assertEquals(Optional.empty(), check(input, DecoderFuzzTest::decodeRequest));
    }

    @Property(tries = 2000)
    void responseDecodingIsSafe(@ForAll("responses") byte[] input) {
        assertEquals(Optional.empty(), check(input, DecoderFuzzTest::decodeResponses));
    }

    @Property(tries = 200_000)
    @Tag("soak")
    void manifestDecodingIsSafeAtLength(@ForAll("manifests") byte[] input) {
        manifestDecodingIsSafe(input);
    }

    @Property(tries = 200_000)
    @Tag("soak")
    void requestDecodingIsSafeAtLength(@ForAll("requests") byte[] input) {
        requestDecodingIsSafe(input);
    }

    @Property(tries = 200_000)
    @Tag("soak")
    void responseDecodingIsSafeAtLength(@ForAll("responses") byte[] input) {
        responseDecodingIsSafe(input);
    }

    @Example
    void theCheckerCatchesADecoderThatAllocatesWhatTheInputDeclares() {
        long seed = new Random().nextLong();
        System.out.println("planted-bug fuzz seed = " + seed);
        Random random = new Random(seed);
        RandomGenerator<byte[]> inputs = manifests().generator(100);
        List<String> violations = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            byte[] input = inputs.next(random).value();
            assertEquals(Optional.empty(), check(input, DecoderFuzzTest::decodeManifest), "seed " + seed);
            check(input, DecoderFuzzTest::decodeManifestNaively).ifPresent(violations::add);
        }
        assertFalse(violations.isEmpty(), "the checker found nothing wrong with the naive decoder, seed " + seed);
        System.out.println("the checker caught the naive decoder on " + violations.size() + " of 2000 inputs, e.g. "
                + violations.get(0));
    }

    /** The verdict on one input: empty if the decoder behaved. */
    static Optional<String> check(byte[] input, Decoder decoder) {
        // Once unmeasured, so that class loading and first-call allocations are not charged to the input.
        Optional<String> first = checkOnce(input, decoder);
        return first.isPresent() ? first : checkOnce(input, decoder);
    }

    private static Optional<String> checkOnce(byte[] input, Decoder decoder) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        long started = System.nanoTime();
        try {
            decoder.decode(input);
        } catch (InvalidManifestException | ProtocolException | java.io.EOFException expected) {
            // Rejected, as bad input must be.
        } catch (Throwable e) {
            return Optional.of("threw " + e);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (allocated > ALLOCATION_FACTOR * input.length + ALLOCATION_SLACK) {
            return Optional.of("allocated " + allocated + " bytes for an input of " + input.length);
        }
        if (millis > MAX_MILLIS) {
            return Optional.of("took " + millis + " ms");
        }
        return Optional.empty();
    }

    private static void decodeManifest(byte[] input) {
        SnapshotManifest.decode(input);
    }

    private static void decodeRequest(byte[] input) throws ProtocolException {
        Frames.decodeRequest(ByteBuffer.wrap(input));
    }

    private static void decodeResponses(byte[] input) throws IOException {
        ResponseReader reader = new ResponseReader(Channels.newChannel(new ByteArrayInputStream(input)));
        ByteBuffer data = ByteBuffer.allocate(SAMPLE.chunkBytes());
        ResponseReader.ChunkLengths lengths = (file, chunk) -> file >= 0
                        && file < SAMPLE.files().size()
                        && chunk >= 0
                        && chunk < SAMPLE.files().get(file).chunkCount()
                ? SAMPLE.chunkLength(file, chunk)
                : -1;
        while (true) {
            reader.next(data, lengths);
        }
    }

    /** The planted bug: trusts the declared configuration length, as a careless decoder would. */
    private static void decodeManifestNaively(byte[] input) {
        if (input.length < 34) {
            throw new InvalidManifestException("short");
        }
        ByteBuffer in = ByteBuffer.wrap(input);
        in.position(30);
        int configurationLength = in.getInt();
        byte[] configuration = new byte[Math.max(0, Math.min(configurationLength, 64 << 20))];
        if (configuration.length > in.remaining()) {
            throw new InvalidManifestException("configuration does not fit");
        }
    }

    @Provide
    Arbitrary<byte[]> manifests() {
        return inputs(SAMPLE.encode(), true);
    }

    @Provide
    Arbitrary<byte[]> requests() {
        byte[] open = Frames.encode(new Request.Open(1, UUID.randomUUID(), "snap-1"));
        return Arbitraries.oneOf(
                inputs(body(open), false),
                inputs(body(Frames.encode(new Request.Chunk(1, 2))), false),
                inputs(body(Frames.encode(new Request.Ping())), false));
    }

    @Provide
    Arbitrary<byte[]> responses() {
        ByteBuffer stream = ByteBuffer.allocate(1 << 16);
        stream.put(Frames.manifest(SAMPLE.encode()));
        stream.put(Frames.chunkHeader(2, 0, 6, 4096)).put(new byte[4096]);
        stream.put(Frames.error(dev.flotilla.snapshot.wire.ErrorCode.BUSY, "busy"));
        byte[] valid = new byte[stream.position()];
        stream.flip().get(valid);
        return inputs(valid, false);
    }

    private static byte[] body(byte[] frame) {
        byte[] body = new byte[frame.length - 4];
        System.arraycopy(frame, 4, body, 0, body.length);
        return body;
    }

    /**
     * Random bytes, and a valid input with a few mutations (bit flips, set bytes, huge 32-bit values, truncation);
     * with {@code fixChecksum}, the trailing CRC32C is recomputed so that mutations reach the parser behind it.
     */
    private static Arbitrary<byte[]> inputs(byte[] valid, boolean fixChecksum) {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(2048);
        Arbitrary<byte[]> mutated = Combinators.combine(
                        Arbitraries.integers().between(0, 3).list().ofMinSize(1).ofMaxSize(4),
                        Arbitraries.doubles().between(0, 1).list().ofSize(4),
                        Arbitraries.integers().list().ofSize(4))
                .as((kinds, positions, values) -> mutate(valid, kinds, positions, values, fixChecksum));
        return Arbitraries.oneOf(random, mutated);
    }

    private static byte[] mutate(
            byte[] valid, List<Integer> kinds, List<Double> positions, List<Integer> values, boolean fixChecksum) {
        byte[] bytes = valid.clone();
        for (int i = 0; i < kinds.size() && bytes.length >= 8; i++) {
            int at = (int) (positions.get(i) * (bytes.length - 4));
            int value = values.get(i);
            switch (kinds.get(i)) {
                case 0 -> bytes[at] ^= (byte) (1 << (value & 7));
                case 1 -> bytes[at] = (byte) value;
                case 2 -> ByteBuffer.wrap(bytes, at, 4).putInt(value | 0x40000000);
                default -> bytes = java.util.Arrays.copyOf(bytes, at);
            }
        }
        if (fixChecksum && bytes.length >= 4) {
            CRC32C crc = new CRC32C();
            crc.update(bytes, 0, bytes.length - 4);
            ByteBuffer.wrap(bytes, bytes.length - 4, 4).putInt((int) crc.getValue());
        }
        return bytes;
    }
}
