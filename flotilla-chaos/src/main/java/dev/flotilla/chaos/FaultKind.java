package dev.flotilla.chaos;

import java.util.Arrays;
import java.util.Optional;

/** The faults a chaos run injects, by their names in the summary and on the command line. */
public enum FaultKind {
    /** {@code kill -9} of one node; it restarts on its data when the fault ends. */
    KILL("kill"),
    /** {@code SIGSTOP} of one node; {@code SIGCONT} when the fault ends. */
    PAUSE("pause"),
    /** The nodes split in two sides, a majority and a minority, that cannot reach each other. */
    PARTITION_MAJORITY("partition-majority"),
    /** Two sides that cannot reach each other, and one node in the middle that reaches both. */
    PARTITION_BRIDGE("partition-bridge"),
    /** Messages from a minority to the other nodes are dropped; the other direction still works. */
    PARTITION_ONE_WAY("partition-one-way"),
    /** The current leader (asked over the etcd Maintenance API) cut off from every other node. */
    LEADER_ISOLATION("leader-isolation");

    private final String label;

    FaultKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Optional<FaultKind> named(String label) {
        return Arrays.stream(values()).filter(k -> k.label.equals(label)).findFirst();
    }
}
