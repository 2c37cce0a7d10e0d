package dev.flotilla.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

/** Seeds are jqwik's: a failure prints the seed and the shrunk sample, and {@code @Property(seed = ...)} replays it. */
class LinearizabilityCheckerPropertiesTest {
    private static final LinearizabilityChecker CHECKER = new LinearizabilityChecker(Duration.ofSeconds(30));
    private static final String[] VALUES = {Command.ABSENT, "1", "2", "3"};

    @Property(tries = 3000)
    void agreesWithTheExhaustiveOracleOnSmallRandomHistories(@ForAll long seed) {
        List<Operation> ops = randomRegisterHistory(new SplittableRandom(seed));
        boolean expected = ExhaustiveOracle.linearizable(ops);
        Statistics.collect(expected ? "linearizable" : "not linearizable");
        Verdict verdict = CHECKER.check(new History(ops, 0));
        assertEquals(
                expected, verdict instanceof Verdict.Linearizable, () -> "history " + describe(ops) + " → " + verdict);
    }

    @Property(tries = 40)
    void historiesOfARealStoreAreLinearizable(@ForAll long seed) throws Exception {
        History history = generated(seed);
        assertInstanceOf(Verdict.Linearizable.class, CHECKER.check(history), "seed " + seed);
    }

    @Property(tries = 40)
    void aReadOfANeverWrittenValueIsCaughtAndItsKeyNamed(@ForAll long seed) throws Exception {
        History history = generated(seed);
        List<Operation> ops = new ArrayList<>(history.operations());
        SplittableRandom random = new SplittableRandom(seed);
        List<Integer> reads = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i).command() instanceof Command.Read) {
                reads.add(i);
            }
        }
        int victim = reads.get(random.nextInt(reads.size()));
        Operation read = ops.get(victim);
        ops.set(victim, withCommand(read, new Command.Read("-1")));
        Verdict verdict = CHECKER.check(new History(ops, 0));
        Verdict.NotLinearizable violation = assertInstanceOf(Verdict.NotLinearizable.class, verdict, "seed " + seed);
        assertEquals(read.key(), violation.key());
    }

    @Property(tries = 40)
    void droppingAnAcknowledgedWriteThatWasReadIsCaught(@ForAll long seed) throws Exception {
        History history = generated(seed);
        List<Operation> ops = new ArrayList<>(history.operations());
        // A write whose unique value a later definite read observed: without the write that read is impossible.
        for (Operation op : ops) {
            if (op.command() instanceof Command.Write write
                    && op.definite()
                    && observed(ops, op.key(), write.value())) {
                ops.remove(op);
                Verdict verdict = CHECKER.check(new History(ops, 0));
                assertInstanceOf(Verdict.NotLinearizable.class, verdict, "seed " + seed + ", removed #" + op.id());
                return;
            }
        }
    }

    private static boolean observed(List<Operation> ops, String key, String value) {
        return ops.stream()
                .anyMatch(o -> o.key().equals(key)
                        && o.command() instanceof Command.Read r
                        && r.observed().equals(value));
    }

    private static History generated(long seed) throws MalformedHistoryException {
        return Histories.parse(HistoryGenerator.generate(seed, 400, 3, 8, 0.1).toArray(String[]::new));
    }

    private static Operation withCommand(Operation op, Command command) {
        return new Operation(
                op.id(), op.process(), op.key(), command, op.definite(), op.invokeNanos(), op.returnNanos(), op.line());
    }

    /** Up to 7 operations on one key with overlapping intervals and a small value domain, so both verdicts occur. */
    private static List<Operation> randomRegisterHistory(SplittableRandom random) {
        int n = 1 + random.nextInt(7);
        List<Operation> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long invoke = random.nextInt(20);
            boolean definite = random.nextInt(5) > 0;
            long ret = definite ? invoke + random.nextInt(10) : Long.MAX_VALUE;
            Command command =
                    switch (random.nextInt(3)) {
                        case 0 -> new Command.Read(VALUES[random.nextInt(VALUES.length)]);
                        case 1 -> new Command.Write(VALUES[1 + random.nextInt(VALUES.length - 1)]);
                        default ->
                            new Command.Cas(
                                    VALUES[random.nextInt(VALUES.length)],
                                    VALUES[1 + random.nextInt(VALUES.length - 1)]);
                    };
            ops.add(new Operation(0, i, "k", command, definite, invoke, ret, 0));
        }
        ops.sort(Comparator.comparingLong(Operation::invokeNanos));
        List<Operation> numbered = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            numbered.add(new Operation(
                    i,
                    ops.get(i).process(),
                    "k",
                    ops.get(i).command(),
                    ops.get(i).definite(),
                    ops.get(i).invokeNanos(),
                    ops.get(i).returnNanos(),
                    i + 1));
        }
        return numbered;
    }

    private static String describe(List<Operation> ops) {
        StringBuilder out = new StringBuilder();
        ops.forEach(op -> out.append("\n  ").append(op.describe()));
        return out.toString();
    }
}
