package dev.flotilla.kv;

import java.util.Arrays;
import java.util.Optional;

/**
 * A bug planted on purpose, for tests only: it exists so that the chaos tests (`flotilla chaos`, docs/testing.md)
 * can show their checkers fire against a real server that breaks a guarantee. Config key {@code unsafe-test-fault};
 * never set it on a server that holds data anyone cares about.
 */
public enum UnsafeTestFault {
    /** The server keeps every guarantee (the default). */
    NONE("none"),
    /**
     * Linearizable reads are served from whatever this node has applied, without confirming leadership or catching
     * up first: a partitioned or lagging node answers with stale data.
     */
    STALE_READS("stale-reads");

    private final String configName;

    UnsafeTestFault(String configName) {
        this.configName = configName;
    }

    /** Its name in the config file. */
    public String configName() {
        return configName;
    }

    /** The fault a config file names, if any has that name. */
    public static Optional<UnsafeTestFault> named(String configName) {
        return Arrays.stream(values())
                .filter(fault -> fault.configName.equals(configName))
                .findFirst();
    }
}
