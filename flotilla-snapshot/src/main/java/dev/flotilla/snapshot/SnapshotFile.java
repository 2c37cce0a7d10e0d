package dev.flotilla.snapshot;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * One immutable file of a snapshot. Its identity is {@code (name, sizeBytes, crc32c)}: a receiver that already holds a
 * file with the same identity never fetches it again.
 *
 * @param name a plain file name in the snapshot directory (see {@link #checkName})
 * @param sizeBytes length of the file
 * @param crc32c CRC32C (Castagnoli) of the whole file
 * @param chunkCrc32c CRC32C of each chunk of the file, in order: chunk {@code i} covers bytes {@code [i * chunkBytes,
 *     min(size, (i + 1) * chunkBytes))} of the manifest's chunk size; an empty file has no chunk
 */
public record SnapshotFile(String name, long sizeBytes, int crc32c, int[] chunkCrc32c) {
    /** Letters, digits, {@code _ - .}; not starting with a dot, so names never collide with the transfer's own files. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]*");

    public SnapshotFile {
        checkName(name);
        if (sizeBytes < 0 || sizeBytes > SnapshotManifest.MAX_FILE_BYTES) {
            throw new InvalidManifestException("file " + name + ": size " + sizeBytes + " is outside [0, "
                    + SnapshotManifest.MAX_FILE_BYTES + "]");
        }
        chunkCrc32c = chunkCrc32c.clone();
    }

    /**
     * Accepts only a plain name: 1 to {@value SnapshotManifest#MAX_NAME_CHARS} characters among letters, digits, {@code
     * _ - .}, not starting with a dot and without {@code ..}. So no absolute path, no separator and no way out of the
     * directory, on any platform.
     *
     * @throws InvalidManifestException naming the problem
     */
    public static void checkName(String name) {
        if (name.isEmpty() || name.length() > SnapshotManifest.MAX_NAME_CHARS) {
            throw new InvalidManifestException("file name must have 1 to " + SnapshotManifest.MAX_NAME_CHARS
                    + " characters, has " + name.length());
        }
        if (name.contains("..")) {
            throw new InvalidManifestException("file name " + quote(name) + " contains '..'");
        }
        if (!NAME.matcher(name).matches()) {
            throw new InvalidManifestException("file name " + quote(name)
                    + " is not a plain name (allowed: letters, digits, '_', '-', '.', not first '.'; no separator)");
        }
    }

    /** Number of chunks of this file for a chunk size. */
    public static int chunkCount(long sizeBytes, int chunkBytes) {
        return Math.toIntExact((sizeBytes + chunkBytes - 1) / chunkBytes);
    }

    @Override
    public int[] chunkCrc32c() {
        return chunkCrc32c.clone();
    }

    /** CRC32C of chunk {@code index}, without copying the array. */
    public int chunkCrc32c(int index) {
        return chunkCrc32c[index];
    }

    /** Number of chunks. */
    public int chunkCount() {
        return chunkCrc32c.length;
    }

    /** Whether {@code other} is the same file: same name, size and checksum. */
    public boolean sameIdentity(SnapshotFile other) {
        return name.equals(other.name) && sizeBytes == other.sizeBytes && crc32c == other.crc32c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SnapshotFile f && sameIdentity(f) && Arrays.equals(chunkCrc32c, f.chunkCrc32c);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Long.hashCode(sizeBytes) * 17 + crc32c;
    }

    @Override
    public String toString() {
        return "SnapshotFile[" + name + ", " + sizeBytes + " bytes, crc32c " + Integer.toHexString(crc32c) + "]";
    }

    private static String quote(String name) {
        return "'" + name.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
