package dev.flotilla.sim;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What the simulators' planted bugs share: a name for {@code --plant-bug} and a budget of seeds to catch it in. */
public interface SimulatedBug {
    /** The name {@code --plant-bug} takes; {@code none} plants nothing. */
    String cliName();

    /** Seeds within which the simulator is expected to catch this bug. */
    int defaultSeeds();

    /**
     * The bug of {@code type} named {@code name} on the command line.
     *
     * @throws IllegalArgumentException naming the known bugs if there is none by that name
     */
    static <B extends Enum<B> & SimulatedBug> B ofCliName(Class<B> type, String name) {
        B[] bugs = type.getEnumConstants();
        for (B bug : bugs) {
            if (bug.cliName().equals(name)) {
                return bug;
            }
        }
        throw new IllegalArgumentException("unknown planted bug '" + name + "'; known: "
                + Arrays.stream(bugs)
                        .map(SimulatedBug::cliName)
                        .filter(known -> !known.equals("none"))
                        .collect(Collectors.joining(", ")));
    }
}
