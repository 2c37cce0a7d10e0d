package dev.flotilla.check;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Drops indeterminate writes and cas whose value nothing depends on: no {@code ok} read returned it and no cas
 * expected it. Such an operation may as well never have taken effect. In any linearization that places it, the
 * operations after it, until the next write, can only be writes or cas that also take effect from it — a read would
 * return its value and a cas would expect it, and there are none — so removing it leaves a linearization. Dropping
 * them therefore never changes the verdict, and it matters: every indeterminate operation doubles the ways the search
 * can place the others, and faults (a partitioned minority times out every write sent to it) produce many of them.
 */
final class UnobservedWrites {
    private UnobservedWrites() {}

    /** {@code ops} of one key without its unobserved indeterminate writes and cas, in the same order. */
    static List<Operation> drop(List<Operation> ops) {
        Set<String> depended = new HashSet<>();
        for (Operation op : ops) {
            if (op.command() instanceof Command.Read read) {
                depended.add(read.observed());
            } else if (op.command() instanceof Command.Cas cas) {
                depended.add(cas.expected());
            }
        }
        return ops.stream()
                .filter(op -> op.definite() || op.command() instanceof Command.Read || depended.contains(written(op)))
                .toList();
    }

    private static String written(Operation op) {
        return op.command() instanceof Command.Write write ? write.value() : ((Command.Cas) op.command()).value();
    }
}
