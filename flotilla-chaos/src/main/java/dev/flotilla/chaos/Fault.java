package dev.flotilla.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * One fault of a schedule: what, when (from the start of the fault phase) and for how long.
 *
 * @param nodeOrderSeed picks the nodes it hits: they are the nodes shuffled by this seed (see {@link #shuffledNodes})
 */
public record Fault(FaultKind kind, long startMillis, long durationMillis, long nodeOrderSeed) {
    /** Nodes 1..{@code nodes} in this fault's order; each kind takes the nodes it needs from the front. */
    public List<Integer> shuffledNodes(int nodes) {
        List<Integer> order = new ArrayList<>();
        for (int node = 1; node <= nodes; node++) {
            order.add(node);
        }
        Collections.shuffle(order, new Random(nodeOrderSeed));
        return order;
    }

    public String describe() {
        return String.format("+%.1fs %s for %.1fs", startMillis / 1000.0, kind.label(), durationMillis / 1000.0);
    }
}
