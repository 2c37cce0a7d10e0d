package dev.flotilla.check;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a history of register operations is linearizable.
 *
 * <p>Each key is an independent register, so the history is linearizable exactly when every key's sub-history is
 * (P-compositionality), and keys are checked one at a time. Within a key, {@link RegisterSearch} runs the Wing–Gong
 * search with Lowe's memoization: it tries operations in real-time order and backtracks, never revisiting a (set of
 * placed operations, register value) pair. Indeterminate ({@code info}) operations may be placed at any time after
 * their invocation, or never; those whose value no read returned and no cas expected are left out first
 * ({@link UnobservedWrites}), which cannot change the verdict.
 *
 * <p>The search is exponential in the worst case. A time budget bounds it; running out gives {@link Verdict.Unknown},
 * never a guess.
 */
public final class LinearizabilityChecker {
    private final Duration budget;

    public LinearizabilityChecker(Duration budget) {
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("the time budget must be positive, was " + budget);
        }
        this.budget = budget;
    }

    public Verdict check(History history) {
        long deadline = System.nanoTime() + budget.toNanos();
        Map<String, List<Operation>> byKey = history.byKey();
        int checked = 0;
        for (Map.Entry<String, List<Operation>> key : byKey.entrySet()) {
            RegisterSearch.Result result = new RegisterSearch(UnobservedWrites.drop(key.getValue()), deadline).run();
            if (result instanceof RegisterSearch.Result.TimedOut) {
                return new Verdict.Unknown(
                        "time budget of " + budget.toMillis() + " ms ran out while checking key '" + key.getKey() + "'",
                        checked);
            }
            if (result instanceof RegisterSearch.Result.Violation violation) {
                return new Verdict.NotLinearizable(key.getKey(), violation.window(), violation.explanation());
            }
            checked++;
        }
        return new Verdict.Linearizable(history.operations().size(), byKey.size());
    }
}
