package dev.flotilla.check;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;

/** Builds histories for tests from JSON lines. */
final class Histories {
    private Histories() {}

    static History parse(String... lines) throws MalformedHistoryException {
        try {
            return HistoryReader.read(new BufferedReader(new StringReader(String.join("\n", lines))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String invoke(int process, String f, String key, String value, long time) {
        return line(process, "invoke", f, key, value, time);
    }

    static String ok(int process, String f, String key, String value, long time) {
        return line(process, "ok", f, key, value, time);
    }

    static String line(int process, String type, String f, String key, String value, long time) {
        return "{\"process\": " + process + ", \"type\": \"" + type + "\", \"f\": \"" + f + "\", \"key\": \"" + key
                + "\", \"value\": " + value + ", \"time\": " + time + "}";
    }
}
