package dev.flotilla.sim.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * The clients' history in the checker's JSON-lines format (docs/linearizability.md). Keys name their group ({@code
 * g3-k1}), so the per-key check is also a per-group check. Times are the simulated clock in nanoseconds.
 */
final class History {
    private final List<String> lines = new ArrayList<>();
    private int operations;

    /** Records an invocation; {@code value} is a JSON text ({@code null} for a read). */
    void invoke(long process, String f, String key, String value, long nowMs) {
        operations++;
        add(process, "invoke", f, key, value, nowMs);
    }

    /** Records a completion: {@code type} is ok, fail or info. */
    void complete(long process, String type, String f, String key, String value, long nowMs) {
        add(process, type, f, key, value, nowMs);
    }

    private void add(long process, String type, String f, String key, String value, long nowMs) {
        lines.add("{\"process\":" + process + ",\"type\":\"" + type + "\",\"f\":\"" + f + "\",\"key\":\"" + key
                + "\",\"value\":" + value + ",\"time\":" + nowMs * 1_000_000 + "}");
    }

    int operations() {
        return operations;
    }

    String jsonLines() {
        return String.join("\n", lines) + "\n";
    }
}
