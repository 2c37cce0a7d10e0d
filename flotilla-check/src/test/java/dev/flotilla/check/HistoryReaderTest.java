package dev.flotilla.check;

import static dev.flotilla.check.Histories.invoke;
import static dev.flotilla.check.Histories.line;
import static dev.flotilla.check.Histories.ok;
import static dev.flotilla.check.Histories.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HistoryReaderTest {
    private static MalformedHistoryException malformed(String... lines) {
        return assertThrows(MalformedHistoryException.class, () -> parse(lines));
    }

    @Test
    void pairsInvocationsWithCompletionsPerProcess() throws Exception {
        History history = parse(
                invoke(1, "write", "k", "1", 0),
                invoke(2, "cas", "k", "[1, 2]", 1),
                ok(2, "cas", "k", "[1, 2]", 5),
                ok(1, "write", "k", "1", 6));
        assertEquals(2, history.operations().size());
        Operation write = history.operations().get(0);
        assertEquals(new Command.Write("1"), write.command());
        assertEquals(0, write.invokeNanos());
        assertEquals(6, write.returnNanos());
        assertEquals(new Command.Cas("1", "2"), history.operations().get(1).command());
    }

    @Test
    void failedOperationsAndIndeterminateReadsAreDropped() throws Exception {
        History history = parse(
                invoke(1, "write", "k", "1", 0),
                line(1, "fail", "write", "k", "1", 1),
                invoke(1, "read", "k", "null", 2),
                line(1, "info", "read", "k", "null", 3));
        assertTrue(history.operations().isEmpty());
        assertEquals(2, history.dropped());
    }

    @Test
    void invocationNeverCompletedIsIndeterminate() throws Exception {
        History history = parse(invoke(1, "write", "k", "1", 0));
        Operation op = history.operations().get(0);
        assertFalse(op.definite());
        assertEquals(Long.MAX_VALUE, op.returnNanos());
    }

    @Test
    void jepsenStyleExtraFieldsAndBlankLinesAreIgnored() throws Exception {
        History history = parse(
                "{\"index\": 0, \"process\": 1, \"type\": \"invoke\", \"f\": \"write\", \"key\": \"k\", \"value\": \"x\","
                        + " \"time\": 0, \"extra\": {\"nested\": [1, 2]}}",
                "",
                ok(1, "write", "k", "\"x\"", 1));
        assertEquals(new Command.Write("\"x\""), history.operations().get(0).command());
    }

    @Test
    void rejectsInvalidJsonNamingTheLine() {
        assertEquals(
                "line 2: not valid JSON",
                malformed(invoke(1, "write", "k", "1", 0), "{\"process\": ")
                        .getMessage()
                        .substring(0, 22));
    }

    @Test
    void rejectsAMissingField() {
        MalformedHistoryException e =
                malformed("{\"process\": 1, \"type\": \"invoke\", \"f\": \"read\", \"key\": \"k\"}");
        assertEquals("line 1: missing \"time\"", e.getMessage());
    }

    @Test
    void rejectsUnknownOperationAndEventTypes() {
        assertTrue(
                malformed(line(1, "invoke", "append", "k", "1", 0)).getMessage().contains("\"f\" is \"append\""));
        assertTrue(malformed(line(1, "done", "read", "k", "1", 0)).getMessage().contains("\"type\" is \"done\""));
    }

    @Test
    void rejectsACompletionWithoutAnInvocation() {
        assertEquals(1, malformed(ok(1, "read", "k", "1", 0)).line());
    }

    @Test
    void rejectsASecondInvocationWhileOneIsInFlight() {
        MalformedHistoryException e = malformed(invoke(1, "read", "k", "null", 0), invoke(1, "read", "k", "null", 1));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }

    @Test
    void rejectsACompletionOfAnotherFunctionOrKey() {
        assertTrue(malformed(invoke(1, "read", "k", "null", 0), ok(1, "write", "k", "1", 1))
                .getMessage()
                .contains("completes a 'read'"));
        assertTrue(malformed(invoke(1, "read", "k", "null", 0), ok(1, "read", "j", "1", 1))
                .getMessage()
                .contains("as key 'j'"));
    }

    @Test
    void rejectsACompletionBeforeItsInvocation() {
        assertEquals(
                2,
                malformed(invoke(1, "read", "k", "null", 10), ok(1, "read", "k", "1", 5))
                        .line());
    }

    @Test
    void rejectsCasWithoutExpectedAndNewValue() {
        assertTrue(malformed(invoke(1, "cas", "k", "1", 0)).getMessage().contains("[expected, new]"));
        assertTrue(malformed(invoke(1, "cas", "k", "[1]", 0)).getMessage().contains("[expected, new]"));
        assertTrue(malformed(invoke(1, "write", "k", "[1, 2]", 0)).getMessage().contains("only a cas"));
    }

    @Test
    void rejectsAnOkReadWithoutAValue() {
        MalformedHistoryException e = malformed(
                invoke(1, "read", "k", "null", 0),
                "{\"process\": 1, \"type\": \"ok\", \"f\": \"read\", \"key\": \"k\", \"time\": 1}");
        assertTrue(e.getMessage().contains("needs a \"value\""), e.getMessage());
    }

    @Test
    void rejectsTwoObjectsOnOneLine() {
        assertEquals(1, malformed(invoke(1, "read", "k", "null", 0) + " {}").line());
    }
}
