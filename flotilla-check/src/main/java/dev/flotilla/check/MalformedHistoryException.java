package dev.flotilla.check;

/** The history cannot be read; the message names the line and what is wrong with it. */
public final class MalformedHistoryException extends Exception {
    private final int line;

    public MalformedHistoryException(int line, String problem) {
        super("line " + line + ": " + problem);
        this.line = line;
    }

    public int line() {
        return line;
    }
}
