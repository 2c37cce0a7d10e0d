package dev.flotilla.log.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.log.LogEngine;
import dev.flotilla.log.LogEngineConfig;
import dev.flotilla.log.file.FaultyDirectory;
import dev.flotilla.raft.Entry;
import dev.flotilla.raft.HardState;
import dev.flotilla.raft.LogStorage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The example in docs/wal-format.md, decoded by the real engine: the document and the code agree. */
class WalFormatDocExampleTest {
    private static final Path DOC = Path.of("..", "docs", "wal-format.md");

    /** The bytes of the first {@code ```hex} block of the document. */
    static byte[] exampleFromDoc() throws IOException {
        List<String> lines = Files.readAllLines(DOC, StandardCharsets.UTF_8);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean inBlock = false;
        for (String line : lines) {
            if (line.equals("```hex")) {
                inBlock = true;
            } else if (inBlock && line.equals("```")) {
                break;
            } else if (inBlock) {
                for (String hex : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
                    bytes.write(Integer.parseInt(hex, 16));
                }
            }
        }
        assertTrue(bytes.size() > 0, "no ```hex block in " + DOC);
        return bytes.toByteArray();
    }

    @Test
    void engineDecodesTheHandBuiltSegmentOfTheFormatDocument() throws IOException {
        FaultyDirectory dir = new FaultyDirectory();
        dir.put(WalFormat.segmentName(1), exampleFromDoc());
        try (LogEngine engine = LogEngine.open(LogEngineConfig.defaults(Path.of("doc-example")), dir, Runnable::run)) {
            assertEquals(Set.of(7L), engine.groups());
            LogStorage group = engine.group(7);
            assertEquals(
                    List.of(
                            Entry.normal(1, 1, "abc".getBytes(StandardCharsets.US_ASCII)),
                            Entry.normal(2, 1, "de".getBytes(StandardCharsets.US_ASCII))),
                    group.entries(1, 3, Long.MAX_VALUE));
            assertEquals(new HardState(1, 2, 1), group.hardState());
        }
    }

    @Test
    void documentedConstantsMatchTheCode() throws IOException {
        byte[] example = exampleFromDoc();
        assertEquals("FLOTILLA", new String(example, 0, 8, StandardCharsets.US_ASCII));
        assertEquals(WalFormat.FORMAT_VERSION, example[8]);
        assertEquals(32, WalFormat.FILE_HEADER_BYTES);
        assertEquals(24, WalFormat.FRAME_HEADER_BYTES);
        assertEquals(8, WalFormat.FRAME_ALIGNMENT);
        assertEquals(13, WalFormat.ENTRY_HEADER_BYTES);
        assertEquals(0x0C, example[0x40], "flags ENTRIES | HARD_STATE");
        assertEquals(WalFormat.FLAG_ENTRIES | WalFormat.FLAG_HARD_STATE, example[0x40]);
        assertEquals("0000000000000001.wal", WalFormat.segmentName(1));
    }
}
