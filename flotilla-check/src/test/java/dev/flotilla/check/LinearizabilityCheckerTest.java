package dev.flotilla.check;

import static dev.flotilla.check.Histories.invoke;
import static dev.flotilla.check.Histories.line;
import static dev.flotilla.check.Histories.ok;
import static dev.flotilla.check.Histories.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinearizabilityCheckerTest {
    private static final LinearizabilityChecker CHECKER = new LinearizabilityChecker(Duration.ofSeconds(10));

    private static Verdict check(String... lines) throws MalformedHistoryException {
        return CHECKER.check(parse(lines));
    }

    @Test
    void sequentialWriteThenReadIsLinearizable() throws Exception {
        Verdict verdict = check(
                invoke(1, "write", "k", "1", 0),
                ok(1, "write", "k", "1", 10),
                invoke(2, "read", "k", "null", 20),
                ok(2, "read", "k", "1", 30));
        assertEquals(new Verdict.Linearizable(2, 1), verdict);
    }

    @Test
    void readOfAnAbsentKeyBeforeAnyWriteIsLinearizable() throws Exception {
        assertInstanceOf(
                Verdict.Linearizable.class, check(invoke(1, "read", "k", "null", 0), ok(1, "read", "k", "null", 1)));
    }

    @Test
    void readConcurrentWithAWriteMaySeeTheNewValueBeforeTheWriteReturns() throws Exception {
        Verdict verdict = check(
                invoke(1, "write", "k", "1", 0),
                invoke(2, "read", "k", "null", 5),
                ok(2, "read", "k", "1", 8),
                ok(1, "write", "k", "1", 10));
        assertInstanceOf(Verdict.Linearizable.class, verdict);
    }

    @Test
    void staleReadAfterANewerWriteReturnedIsNotLinearizable() throws Exception {
        Verdict verdict = check(
                invoke(1, "write", "k", "1", 0),
                ok(1, "write", "k", "1", 10),
                invoke(1, "write", "k", "2", 20),
                ok(1, "write", "k", "2", 30),
                invoke(2, "read", "k", "null", 40),
                ok(2, "read", "k", "1", 50));
        Verdict.NotLinearizable violation = assertInstanceOf(Verdict.NotLinearizable.class, verdict);
        assertEquals("k", violation.key());
        assertTrue(violation.explanation().contains("holds 2"), violation.explanation());
        assertEquals(
                List.of(1, 2), violation.window().stream().map(Operation::id).toList());
    }

    @Test
    void lostAcknowledgedWriteIsNotLinearizable() throws Exception {
        Verdict verdict = check(
                invoke(1, "write", "k", "7", 0),
                ok(1, "write", "k", "7", 10),
                invoke(2, "read", "k", "null", 20),
                ok(2, "read", "k", "null", 30));
        assertInstanceOf(Verdict.NotLinearizable.class, verdict);
    }

    @Test
    void readOfAValueWhoseWriteFailedIsNotLinearizable() throws Exception {
        Verdict verdict = check(
                invoke(1, "write", "k", "3", 0),
                line(1, "fail", "write", "k", "3", 10),
                invoke(2, "read", "k", "null", 20),
                ok(2, "read", "k", "3", 30));
        assertInstanceOf(Verdict.NotLinearizable.class, verdict);
    }

    @Test
    void twoSuccessfulCasFromTheSameExpectedValueAreNotLinearizable() throws Exception {
        Verdict verdict = check(
                invoke(1, "write", "k", "0", 0),
                ok(1, "write", "k", "0", 1),
                invoke(1, "cas", "k", "[0, 1]", 10),
                invoke(2, "cas", "k", "[0, 2]", 11),
                ok(1, "cas", "k", "[0, 1]", 20),
                ok(2, "cas", "k", "[0, 2]", 21));
        assertInstanceOf(Verdict.NotLinearizable.class, verdict);
    }

    @Test
    void casThatSucceededAgainstAValueNeverPresentIsNotLinearizable() throws Exception {
        Verdict verdict = check(invoke(1, "cas", "k", "[5, 6]", 0), ok(1, "cas", "k", "[5, 6]", 1));
        assertInstanceOf(Verdict.NotLinearizable.class, verdict);
    }

    @Test
    void chainedCasOperationsInRealTimeOrderAreLinearizable() throws Exception {
        Verdict verdict = check(
                invoke(1, "cas", "k", "[null, 1]", 0),
                ok(1, "cas", "k", "[null, 1]", 1),
                invoke(2, "cas", "k", "[1, 2]", 2),
                ok(2, "cas", "k", "[1, 2]", 3),
                invoke(1, "read", "k", "null", 4),
                ok(1, "read", "k", "2", 5));
        assertInstanceOf(Verdict.Linearizable.class, verdict);
    }

    @Test
    void indeterminateWriteMayTakeEffectLongAfterItsInvocation() throws Exception {
        Verdict verdict = check(
                invoke(1, "write", "k", "5", 0),
                line(1, "info", "write", "k", "5", 10),
                invoke(2, "read", "k", "null", 100),
                ok(2, "read", "k", "null", 110),
                invoke(2, "read", "k", "null", 200),
                ok(2, "read", "k", "5", 210));
        assertInstanceOf(Verdict.Linearizable.class, verdict);
    }

    @Test
    void indeterminateWriteCannotBeUndoneOnceSeen() throws Exception {
        Verdict verdict = check(
                invoke(1, "write", "k", "5", 0),
                line(1, "info", "write", "k", "5", 10),
                invoke(2, "read", "k", "null", 100),
                ok(2, "read", "k", "5", 110),
                invoke(2, "read", "k", "null", 200),
                ok(2, "read", "k", "null", 210));
        assertInstanceOf(Verdict.NotLinearizable.class, verdict);
    }

    @Test
    void keysAreCheckedIndependentlyAndTheViolatingKeyIsNamed() throws Exception {
        Verdict verdict = check(
                invoke(1, "write", "a", "1", 0),
                ok(1, "write", "a", "1", 10),
                invoke(2, "write", "b", "1", 0),
                ok(2, "write", "b", "1", 10),
                invoke(3, "read", "a", "null", 20),
                ok(3, "read", "a", "1", 30),
                invoke(3, "read", "b", "null", 40),
                ok(3, "read", "b", "2", 50));
        Verdict.NotLinearizable violation = assertInstanceOf(Verdict.NotLinearizable.class, verdict);
        assertEquals("b", violation.key());
    }

    @Test
    void numberAndStringWithTheSameDigitsAreDifferentValues() throws Exception {
        Verdict verdict = check(
                invoke(1, "write", "k", "1", 0),
                ok(1, "write", "k", "1", 1),
                invoke(2, "read", "k", "null", 2),
                ok(2, "read", "k", "\"1\"", 3));
        assertInstanceOf(Verdict.NotLinearizable.class, verdict);
    }

    @Test
    void aStaleReadAmongManyUnobservedIndeterminateWritesIsFoundWithinTheBudget() throws Exception {
        // As a partitioned minority leaves them: 40 writes that timed out, none of whose values anyone read. Each may
        // or may not have taken effect; searched as they are, their subsets would exhaust any budget.
        List<String> lines = new java.util.ArrayList<>(List.of(
                invoke(1, "write", "k", "1", 0),
                ok(1, "write", "k", "1", 10),
                invoke(1, "write", "k", "2", 20),
                ok(1, "write", "k", "2", 30)));
        for (int process = 10; process < 50; process++) {
            lines.add(invoke(process, "write", "k", Integer.toString(100 + process), 5));
            lines.add(line(process, "info", "write", "k", Integer.toString(100 + process), 60));
        }
        lines.add(invoke(2, "read", "k", "null", 40));
        lines.add(ok(2, "read", "k", "1", 50));
        Verdict verdict = new LinearizabilityChecker(Duration.ofSeconds(2)).check(parse(lines.toArray(String[]::new)));
        assertInstanceOf(Verdict.NotLinearizable.class, verdict);
    }

    @Test
    void exhaustedBudgetGivesUnknownRatherThanAGuess() throws Exception {
        History big = parse(HistoryGenerator.generate(42, 50_000, 1, 50, 0.3).toArray(String[]::new));
        Verdict verdict = new LinearizabilityChecker(Duration.ofNanos(1)).check(big);
        Verdict.Unknown unknown = assertInstanceOf(Verdict.Unknown.class, verdict);
        assertTrue(unknown.reason().contains("'k0'"), unknown.reason());
    }
}
