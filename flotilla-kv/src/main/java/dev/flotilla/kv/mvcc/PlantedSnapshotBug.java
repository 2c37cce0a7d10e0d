package dev.flotilla.kv.mvcc;

import java.util.Locale;

/**
 * Bugs a test can plant in the install of range snapshots, to show that its checker catches them. Read from the system
 * property {@value #PROPERTY} at each install; never set outside such tests.
 */
public enum PlantedSnapshotBug {
    NONE,
    /** Ingests the snapshot's files without deleting the range's old keys first. */
    KEEP_OLD_KEYS,
    /** Installs nothing: the range keeps its old state and applies on from the snapshot's index. */
    IGNORE_INSTALL;

    public static final String PROPERTY = "flotilla.kv.snapshot.planted-bug";

    static PlantedSnapshotBug active() {
        return valueOf(
                System.getProperty(PROPERTY, "none").toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
