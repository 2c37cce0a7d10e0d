package dev.flotilla.snapshot;

/**
 * A manifest that must not be used: a file name that could escape the snapshot directory (absolute, {@code ..}, a
 * separator), a duplicate name, a count or size above the limits of {@link SnapshotManifest}, or bytes that do not
 * decode. The message names the offending field. Nothing has been written when it is thrown.
 */
public final class InvalidManifestException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidManifestException(String message) {
        super(message);
    }
}
