package dev.flotilla.chaos;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The history of a run in the checker's format (docs/linearizability.md): one JSON line per invocation and per
 * completion, times in nanoseconds of this JVM's {@link System#nanoTime}. Values are integers or {@code null}; keys
 * are plain names. Thread-safe: clients append from their own threads.
 */
final class HistoryLog implements AutoCloseable {
    /** What an operation is, in the checker's words. */
    enum F {
        READ("read"),
        WRITE("write"),
        CAS("cas");

        final String json;

        F(String json) {
            this.json = json;
        }
    }

    /** How an operation ended, in the checker's words. */
    enum Outcome {
        OK("ok"),
        FAIL("fail"),
        INFO("info");

        final String json;

        Outcome(String json) {
            this.json = json;
        }
    }

    private final Path file;
    private final BufferedWriter out;
    private final long[] outcomes = new long[Outcome.values().length];

    HistoryLog(Path file) throws IOException {
        this.file = file;
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }

    Path file() {
        return file;
    }

    /** Records an invocation: a write's value, a cas's {@code [expected, new]}, {@code null} for a read. */
    void invoke(long process, F f, String key, String value) {
        write(process, "invoke", f, key, value);
    }

    /** Records a completion; a read's {@code ok} carries the JSON value it read ({@code null}: the key was absent). */
    void complete(long process, Outcome outcome, F f, String key, String value) {
        synchronized (this) {
            outcomes[outcome.ordinal()]++;
        }
        write(process, outcome.json, f, key, value);
    }

    static String value(long number) {
        return Long.toString(number);
    }

    static String value(Optional<Long> number) {
        return number.map(Object::toString).orElse("null");
    }

    static String cas(long expected, long next) {
        return "[" + expected + "," + next + "]";
    }

    synchronized long count(Outcome outcome) {
        return outcomes[outcome.ordinal()];
    }

    private synchronized void write(long process, String type, F f, String key, String value) {
        try {
            out.write("{\"process\":" + process + ",\"type\":\"" + type + "\",\"f\":\"" + f.json + "\",\"key\":\"" + key
                    + "\",\"value\":" + value + ",\"time\":" + System.nanoTime() + "}\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the history to " + file, e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
