package dev.flotilla.check;

/**
 * One completed or indeterminate operation of a history.
 *
 * @param id position among the history's operations, in invocation order
 * @param process the client process that ran it
 * @param definite true for an {@code ok} operation; false for {@code info}, which may or may not have taken effect at
 *     any moment after its invocation
 * @param invokeNanos when it was invoked
 * @param returnNanos when it returned; {@link Long#MAX_VALUE} for an indeterminate operation
 * @param line the history line of its invocation, for messages
 */
public record Operation(
        int id,
        long process,
        String key,
        Command command,
        boolean definite,
        long invokeNanos,
        long returnNanos,
        int line) {

    /** True when the two operations' intervals overlap, so either may have taken effect first. */
    public boolean concurrentWith(Operation other) {
        return invokeNanos <= other.returnNanos && other.invokeNanos <= returnNanos;
    }

    /** One line for humans: process, command, outcome and interval. */
    public String describe() {
        String what;
        if (command instanceof Command.Read r) {
            what = "read  -> " + r.observed();
        } else if (command instanceof Command.Write w) {
            what = "write " + w.value();
        } else {
            Command.Cas c = (Command.Cas) command;
            what = "cas   " + c.expected() + " -> " + c.value();
        }
        String end = definite ? String.valueOf(returnNanos) : "never returned (info)";
        return String.format(
                "#%d p%d %s %s  [invoked %d, returned %s] (line %d)", id, process, key, what, invokeNanos, end, line);
    }
}
