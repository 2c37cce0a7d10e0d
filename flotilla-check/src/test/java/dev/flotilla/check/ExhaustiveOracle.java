package dev.flotilla.check;

import java.util.List;

/**
 * The definition of linearizability for one register, checked by trying every order: an operation may come next when
 * no unplaced definite operation returned before it was invoked. Exponential, so only for small histories; the
 * checker must agree with it.
 */
final class ExhaustiveOracle {
    private final List<Operation> ops;
    private final boolean[] placed;

    private ExhaustiveOracle(List<Operation> ops) {
        this.ops = ops;
        this.placed = new boolean[ops.size()];
    }

    static boolean linearizable(List<Operation> ops) {
        int definite = (int) ops.stream().filter(Operation::definite).count();
        return new ExhaustiveOracle(ops).search(Command.ABSENT, definite);
    }

    private boolean search(String value, int definiteLeft) {
        if (definiteLeft == 0) {
            return true;
        }
        long earliestReturn = Long.MAX_VALUE;
        for (int j = 0; j < ops.size(); j++) {
            if (!placed[j] && ops.get(j).definite()) {
                earliestReturn = Math.min(earliestReturn, ops.get(j).returnNanos());
            }
        }
        for (int i = 0; i < ops.size(); i++) {
            Operation op = ops.get(i);
            if (placed[i] || op.invokeNanos() > earliestReturn) {
                continue;
            }
            String next = after(op.command(), value);
            if (next == null) {
                continue;
            }
            placed[i] = true;
            boolean found = search(next, definiteLeft - (op.definite() ? 1 : 0));
            placed[i] = false;
            if (found) {
                return true;
            }
        }
        return false;
    }

    /** The register value after the command, or null if the command cannot happen at this value. */
    private static String after(Command command, String value) {
        if (command instanceof Command.Read read) {
            return read.observed().equals(value) ? value : null;
        }
        if (command instanceof Command.Write write) {
            return write.value();
        }
        Command.Cas cas = (Command.Cas) command;
        return cas.expected().equals(value) ? cas.value() : null;
    }
}
