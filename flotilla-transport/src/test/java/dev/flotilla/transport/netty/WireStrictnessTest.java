package dev.flotilla.transport.netty;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each rule of docs/wire-protocol.md that keeps encodings unique or values valid, broken once by a hand-built frame
 * body (version, kind, payload), and refused for that reason.
 */
class WireStrictnessTest {

    static Stream<Arguments> brokenRules() {
        return Stream.of(
                Arguments.of("empty batch", "01 03 00 00 00", "empty batch"),
                Arguments.of("bytes after the end", "01 03 01 05 06 01 00 00 FF", "after the end of a frame"),
                Arguments.of("varint not shortest", "01 03 01 85 00 06 01 00 00", "shortest form"),
                Arguments.of(
                        "varint over 64 bits", "01 03 01 FF FF FF FF FF FF FF FF FF 02 06 01 00 00", "exceeds 64 bits"),
                Arguments.of("unknown flag bit", "01 03 01 05 04 01 04 00 00", "unknown bits"),
                Arguments.of("unknown entry type", "01 03 01 05 07 01 05 00 00 00", "unknown entry type 5"),
                Arguments.of("entry index 0", "01 03 01 05 01 01 00 00 00 01 00 01 00 00 00 00", "must be >= 1"),
                Arguments.of(
                        "snapshot at index 0 with a term",
                        "01 03 01 05 05 01 00 01 00 00 00 00 00 00 00 00",
                        "bad snapshot position"),
                Arguments.of(
                        "node ids not ascending",
                        "01 03 01 05 05 01 00 00 00 02 03 00 00 00 00 00 00 00",
                        "strictly ascending"),
                Arguments.of(
                        "learner that votes",
                        "01 03 01 05 05 01 00 00 00 01 03 00 01 03 00 00 00 00",
                        "both a learner and a voter"),
                Arguments.of(
                        "tick repeated",
                        "01 03 00 02 01 07 03 08 E8 07 01 01 03 08 E8 07 00",
                        "repeats the previous tick"),
                Arguments.of("empty context flagged", "01 03 00 01 02 07 03 08 00 00", "empty context"),
                Arguments.of(
                        "group ids overflow",
                        "01 03 00 02 00 FF FF FF FF FF FF FF FF FF 01 03 08 00 01 03 08 00",
                        "overflow"),
                Arguments.of(
                        "heartbeat kind in the message section", "01 03 01 05 0A 01 00 00", "unknown message kind 10"),
                Arguments.of("unknown reject reason", "01 02 09", "unknown reject reason 9"),
                Arguments.of("truncated hello", "01 01 00 00 00 00 00 00 00 07 00 00 00", "node id: needs 8 bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenRules")
    void aFrameBreakingTheRuleIsRefusedForThatReason(String rule, String body, String reason) {
        byte[] bytes = HexFormat.ofDelimiter(" ").parseHex(body);

        MalformedFrameException refused = assertThrows(
                MalformedFrameException.class,
                () -> FrameReader.read(
                        new WireReader(Unpooled.wrappedBuffer(bytes)),
                        bytes.length + 4,
                        OptionalLong.of(MessageArbitraries.FROM),
                        MessageArbitraries.TO));

        assertTrue(refused.getMessage().contains(reason), refused.getMessage());
    }
}
