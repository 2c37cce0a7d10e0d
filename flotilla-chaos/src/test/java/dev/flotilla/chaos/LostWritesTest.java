package dev.flotilla.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.check.History;
import dev.flotilla.check.HistoryReader;
import java.io.BufferedReader;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LostWritesTest {
    private static String event(int process, String type, String f, String value, long time) {
        return "{\"process\":" + process + ",\"type\":\"" + type + "\",\"f\":\"" + f + "\",\"key\":\"k\",\"value\":"
                + value + ",\"time\":" + time + "}";
    }

    private static History history(String... lines) throws Exception {
        return HistoryReader.read(new BufferedReader(new StringReader(String.join("\n", lines))));
    }

    @Test
    void anAcknowledgedWriteMissingFromTheFinalStateWithNothingAfterItIsLost() throws Exception {
        History history = history(
                event(1, "invoke", "write", "1", 0),
                event(1, "ok", "write", "1", 10),
                event(2, "invoke", "write", "2", 20),
                event(2, "ok", "write", "2", 30));
        List<String> lost = LostWrites.find(history, Map.of("k", "1"));
        assertEquals(1, lost.size(), lost.toString());
        assertTrue(lost.get(0).contains("write 2"), lost.get(0));
        assertEquals(List.of(), LostWrites.find(history, Map.of("k", "2")));
    }

    @Test
    void aWriteOverwrittenByALaterOrConcurrentOrIndeterminateWriteIsNotLost() throws Exception {
        History later = history(
                event(1, "invoke", "write", "1", 0),
                event(1, "ok", "write", "1", 10),
                event(2, "invoke", "cas", "[1,2]", 20),
                event(2, "ok", "cas", "[1,2]", 30));
        assertEquals(List.of(), LostWrites.find(later, Map.of("k", "2")));
        History concurrentThatReturnedFirst = history(
                event(2, "invoke", "write", "2", 0),
                event(1, "invoke", "write", "1", 5),
                event(2, "ok", "write", "2", 8),
                event(1, "ok", "write", "1", 10));
        assertEquals(List.of(), LostWrites.find(concurrentThatReturnedFirst, Map.of("k", "2")));
        History indeterminate = history(
                event(1, "invoke", "write", "1", 0),
                event(1, "ok", "write", "1", 10),
                event(2, "invoke", "write", "2", 20),
                event(2, "info", "write", "2", 30));
        assertEquals(List.of(), LostWrites.find(indeterminate, Map.of("k", "2")));
    }

    @Test
    void aFailedCasExcusesNothingAndKeysWithoutAFinalValueAreNotJudged() throws Exception {
        History history = history(
                event(1, "invoke", "write", "1", 0),
                event(1, "ok", "write", "1", 10),
                event(2, "invoke", "cas", "[7,2]", 20),
                event(2, "fail", "cas", "[7,2]", 30));
        assertEquals(1, LostWrites.find(history, Map.of("k", "null")).size());
        assertEquals(List.of(), LostWrites.find(history, Map.of()));
    }
}
