package dev.flotilla.snapshot.fetch;

import java.util.Locale;

/**
 * Bugs a test can plant in the receiver, to show that its checker catches them. Chosen once per fetcher from the
 * system property {@value #PROPERTY}; never set outside such tests.
 */
public enum PlantedBug {
    NONE,
    /** Writes chunks without comparing them with their checksum. */
    SKIP_CHUNK_CHECKSUM,
    /** Accepts a file once all its chunks are written, without its whole-file checksum. */
    SKIP_FILE_CHECKSUM,
    /** Ignores the progress file and the files already held: every transfer starts from nothing. */
    FORGET_HELD_FILES;

    public static final String PROPERTY = "flotilla.snapshot.planted-bug";

    static PlantedBug fromSystemProperty() {
        return valueOf(
                System.getProperty(PROPERTY, "none").toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
