package dev.flotilla.check;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operations of a recorded history that can matter to linearizability: {@code ok} and {@code info} ones. Failed
 * operations did not take effect and indeterminate reads cannot constrain anything, so they are only counted.
 */
public record History(List<Operation> operations, int dropped) {
    public History {
        operations = List.copyOf(operations);
    }

    /** The operations of each key, in invocation order. Keys are independent registers (P-compositionality). */
    public Map<String, List<Operation>> byKey() {
        Map<String, List<Operation>> byKey = new LinkedHashMap<>();
        for (Operation op : operations) {
            byKey.computeIfAbsent(op.key(), k -> new java.util.ArrayList<>()).add(op);
        }
        return byKey;
    }
}
