package dev.flotilla.transport.netty;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Frame bodies (after the length prefix) for fuzzing: random bytes, and valid batches with a few mutations. */
final class FuzzInputs {
    private FuzzInputs() {}

    enum Mutation {
        FLIP_BIT,
        SET_BYTE,
        TRUNCATE,
        INSERT_BYTE,
        DELETE_BYTE,
        INSERT_HUGE_VARINT
    }

    /** One mutation at a position given as a fraction of the body's length. */
    record Edit(Mutation mutation, double at, byte value) {
        byte[] applyTo(byte[] body) {
            if (body.length == 0) {
                return body;
            }
            int position = Math.min(body.length - 1, (int) (at * body.length));
            return switch (mutation) {
                case FLIP_BIT -> {
                    byte[] copy = body.clone();
                    copy[position] ^= (byte) (1 << (value & 7));
                    yield copy;
                }
                case SET_BYTE -> {
                    byte[] copy = body.clone();
                    copy[position] = value;
                    yield copy;
                }
                case TRUNCATE -> Arrays.copyOf(body, position);
                case INSERT_BYTE -> insert(body, position, new byte[] {value});
                case DELETE_BYTE -> {
                    byte[] copy = new byte[body.length - 1];
                    System.arraycopy(body, 0, copy, 0, position);
                    System.arraycopy(body, position + 1, copy, position, body.length - position - 1);
                    yield copy;
                }
                case INSERT_HUGE_VARINT ->
                    insert(body, position, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07});
            };
        }

        private static byte[] insert(byte[] body, int position, byte[] inserted) {
            byte[] copy = new byte[body.length + inserted.length];
            System.arraycopy(body, 0, copy, 0, position);
            System.arraycopy(inserted, 0, copy, position, inserted.length);
            System.arraycopy(body, position, copy, position + inserted.length, body.length - position);
            return copy;
        }
    }

    static Arbitrary<byte[]> frameBodies() {
        return Arbitraries.oneOf(randomBodies(), mutatedBodies(), mutatedBodies());
    }

    /** A valid batch body: version, kind and payload of an encoded frame. */
    static Arbitrary<byte[]> validBodies() {
        return MessageArbitraries.batches().map(batch -> {
            byte[] frame = TestFrames.encodeOne(batch);
            return Arrays.copyOfRange(frame, WireFormat.LENGTH_PREFIX_BYTES, frame.length);
        });
    }

    private static Arbitrary<byte[]> randomBodies() {
        Arbitrary<Integer> version = Arbitraries.of(1, 1, 1, 0, 2, 255);
        Arbitrary<Integer> kind = Arbitraries.of(3, 3, 3, 1, 2, 0, 4, 255);
        Arbitrary<byte[]> rest = Arbitraries.bytes().array(byte[].class).ofMaxSize(120);
        return Combinators.combine(version, kind, rest).as((v, k, bytes) -> {
            byte[] body = new byte[bytes.length + 2];
            body[0] = v.byteValue();
            body[1] = k.byteValue();
            System.arraycopy(bytes, 0, body, 2, bytes.length);
            return body;
        });
    }

    private static Arbitrary<byte[]> mutatedBodies() {
        Arbitrary<Edit> edits = Combinators.combine(
                        Arbitraries.of(Mutation.class),
                        Arbitraries.doubles().between(0, 1),
                        Arbitraries.of((byte) 0x00, (byte) 0xFF, (byte) 0x80, (byte) 0x7F, (byte) 0x01, (byte) 0x10))
                .as(Edit::new);
        return Combinators.combine(validBodies(), edits.list().ofMinSize(1).ofMaxSize(3))
                .as(FuzzInputs::applyAll);
    }

    private static byte[] applyAll(byte[] body, List<Edit> edits) {
        byte[] mutated = body;
        for (Edit edit : edits) {
            mutated = edit.applyTo(mutated);
        }
        return mutated;
    }
}
