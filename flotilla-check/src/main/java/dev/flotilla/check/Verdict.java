package dev.flotilla.check;

import java.util.List;

/** The checker's answer. */
public sealed interface Verdict {
    /** Some order of the operations, consistent with real time, explains every result. */
    record Linearizable(int operations, int keys) implements Verdict {}

    /**
     * No order explains the results of {@code key}. {@code window} is the smallest set of operations the search pinned
     * the contradiction on: the operation that could not be placed, the operations concurrent with it, and the last
     * write the state came from; {@code explanation} says what went wrong in words.
     */
    record NotLinearizable(String key, List<Operation> window, String explanation) implements Verdict {}

    /** The time budget ran out before an answer; {@code keysChecked} keys were linearizable until then. */
    record Unknown(String reason, int keysChecked) implements Verdict {}
}
