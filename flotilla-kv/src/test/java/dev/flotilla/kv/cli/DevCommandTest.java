package dev.flotilla.kv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class DevCommandTest {
    @Test
    void rangesAreCutAtEvenlySpacedPrintableCharacters() {
        assertEquals(List.of(), DevCommand.evenSplitKeys(1));
        assertEquals(List.of("P"), DevCommand.evenSplitKeys(2));
        assertEquals(List.of("8", "P", "g"), DevCommand.evenSplitKeys(4));
    }
}
