package dev.flotilla.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The fuzz checker: decodes one frame body and reports how the decoder misbehaved, if it did. A safe decoder either
 * returns a frame whose re-encoding is exactly the input (so nothing is made up from a bad frame) or throws {@link
 * MalformedFrameException}; it allocates at most {@link #ALLOCATION_FACTOR} times the input plus a constant, and
 * finishes within {@link #TIME_LIMIT_NANOS}.
 */
final class DecodingSafety {
    static final long ALLOCATION_FACTOR = 256;
    static final long ALLOCATION_CONSTANT_BYTES = 256 << 10;
    static final long TIME_LIMIT_NANOS = 1_000_000_000L;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private DecodingSafety() {}

    /** The production decoder: every read checked. */
    static Optional<String> check(byte[] body) {
        return check(body, WireReader::new);
    }

    static Optional<String> check(byte[] body, Function<ByteBuf, WireReader> readers) {
        Optional<String> verdict = checkOnce(body, readers);
        if (verdict.isPresent() && verdict.get().startsWith("allocated")) {
            // The first decode of a message kind loads classes on this thread; a real over-allocation repeats.
            verdict = checkOnce(body, readers);
        }
        return verdict;
    }

    private static Optional<String> checkOnce(byte[] body, Function<ByteBuf, WireReader> readers) {
        int frameBytes = body.length + WireFormat.LENGTH_PREFIX_BYTES;
        long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        Frame frame;
        try {
            frame = FrameReader.read(
                    readers.apply(Unpooled.wrappedBuffer(body)),
                    frameBytes,
                    OptionalLong.of(MessageArbitraries.FROM),
                    MessageArbitraries.TO);
        } catch (MalformedFrameException expected) {
            frame = null;
        } catch (Throwable e) {
            return Optional.of("threw " + e + " on " + hex(body));
        }
        long elapsed = System.nanoTime() - start;
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore;
        if (allocated > ALLOCATION_FACTOR * body.length + ALLOCATION_CONSTANT_BYTES) {
            return Optional.of("allocated " + allocated + " bytes decoding " + body.length + ": " + hex(body));
        }
        if (elapsed > TIME_LIMIT_NANOS) {
            return Optional.of("took " + elapsed / 1_000_000 + " ms on " + hex(body));
        }
        if (frame != null && !Arrays.equals(reencode(frame), body)) {
            return Optional.of("accepted a frame that does not re-encode to its bytes: " + hex(body));
        }
        return Optional.empty();
    }

    /** A frame's bytes after the length prefix, as this node's encoder writes them. */
    static byte[] reencode(Frame frame) {
        ByteBuf encoded;
        if (frame instanceof Frame.Hello hello) {
            encoded = FrameWriter.hello(UnpooledByteBufAllocator.DEFAULT, hello.clusterId(), hello.nodeId());
        } else if (frame instanceof Frame.Reject reject) {
            encoded = FrameWriter.reject(UnpooledByteBufAllocator.DEFAULT, reject.reason());
        } else {
            encoded = Unpooled.wrappedBuffer(TestFrames.encodeOne(((Frame.Batch) frame).messages()));
        }
        byte[] bytes = ByteBufUtil.getBytes(encoded);
        encoded.release();
        return Arrays.copyOfRange(bytes, WireFormat.LENGTH_PREFIX_BYTES, bytes.length);
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 256));
    }
}
