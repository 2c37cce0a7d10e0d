package dev.flotilla.check;

/**
 * What an operation did to its key's register. Values are JSON texts as they appeared in the history ({@code "1"},
 * {@code "\"a\""}); {@link #ABSENT} ({@code null} in JSON) is the value of a key never written.
 */
public sealed interface Command {
    String ABSENT = "null";

    /** A read that returned {@code observed}. */
    record Read(String observed) implements Command {}

    /** A blind write of {@code value}. */
    record Write(String value) implements Command {}

    /** Compare-and-set: if the register holds {@code expected}, it becomes {@code value}; an ok cas swapped. */
    record Cas(String expected, String value) implements Command {}
}
