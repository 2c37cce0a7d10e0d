package dev.flotilla.bench.catchup;

import java.util.OptionalDouble;

/** Reads values out of Prometheus' text exposition format (what a node's {@code /metrics} serves). */
final class PrometheusText {
    private PrometheusText() {}

    /**
     * The sum of every sample of the series {@code name}, whatever its labels; empty when the text has no sample of it
     * (the node does not export that series).
     */
    static OptionalDouble sum(String text, String name) {
        double sum = 0;
        boolean found = false;
        for (String line : text.split("\n")) {
            if (!line.startsWith(name) || line.length() == name.length()) {
                continue;
            }
            char next = line.charAt(name.length());
            if (next != ' ' && next != '{') {
                continue; // another series whose name starts with this one
            }
            // The value is the first field after the name and its labels; a timestamp may follow it.
            int valueStart = next == '{' ? line.lastIndexOf('}') + 1 : name.length();
            sum += Double.parseDouble(line.substring(valueStart).trim().split(" ")[0]);
            found = true;
        }
        return found ? OptionalDouble.of(sum) : OptionalDouble.empty();
    }
}
