package dev.flotilla.chaos;

import dev.flotilla.check.Command;
import dev.flotilla.check.History;
import dev.flotilla.check.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Acknowledged writes that the cluster lost, judged against each key's final value (read after the clients stopped).
 *
 * <p>An acknowledged write {@code w} of value {@code v} (an {@code ok} write, or an {@code ok} cas whose new value is
 * {@code v}) is lost when the key's final value is not {@code v} and no other write or cas of the key, acknowledged or
 * indeterminate, could have taken effect after {@code w}: that is, none returned after {@code w} was invoked (an
 * indeterminate one never returns). Such a write, if it took effect after {@code w}, explains why {@code v} is gone;
 * without one, {@code v} should still be there. A failed cas wrote nothing and explains nothing. The check never
 * accuses a correct system: whatever overwrote {@code v} must be a write that was in flight at or after {@code w}.
 * It is weaker than the linearizability check (it only looks at the end), but it names the lost write directly and
 * does not depend on the search finishing in its time budget.
 */
final class LostWrites {
    private LostWrites() {}

    /**
     * The lost writes, described for humans; empty when none. {@code finalValues} maps keys to their final JSON value
     * ({@code null} for absent); keys it lacks are not judged.
     */
    static List<String> find(History history, Map<String, String> finalValues) {
        List<String> lost = new ArrayList<>();
        history.byKey().forEach((key, ops) -> {
            if (!finalValues.containsKey(key)) {
                return;
            }
            String finalValue = finalValues.get(key);
            for (Operation w : ops) {
                if (!w.definite() || written(w).isEmpty() || written(w).equals(finalValue)) {
                    continue;
                }
                boolean overwritable = ops.stream()
                        .anyMatch(o -> o != w && !written(o).isEmpty() && o.returnNanos() > w.invokeNanos());
                if (!overwritable) {
                    lost.add("key " + key + ": acknowledged " + w.describe() + " is gone; the final value is "
                            + finalValue + " and no later write could have replaced it");
                }
            }
        });
        return lost;
    }

    /** The value an operation writes if it takes effect; empty for a read. */
    private static String written(Operation op) {
        if (op.command() instanceof Command.Write write) {
            return write.value();
        }
        if (op.command() instanceof Command.Cas cas) {
            return cas.value();
        }
        return "";
    }
}
