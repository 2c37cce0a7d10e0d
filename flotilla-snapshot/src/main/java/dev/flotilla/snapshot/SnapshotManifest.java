package dev.flotilla.snapshot;

import dev.flotilla.snapshot.wire.ManifestCodec;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a snapshot is: the Raft position it captures, the opaque configuration, and the immutable files that hold the
 * state, each with its checksums. A valid instance can only be built within the limits below; the binary encoding
 * ({@link #encode}, {@link #decode}) is versioned and specified in {@code docs/snapshot-protocol.md}.
 *
 * @param groupId the Raft group (range) the snapshot belongs to
 * @param appliedIndex the last log index applied to the state
 * @param term the term of that entry
 * @param configuration the group's membership as its owner encodes it; opaque here
 * @param chunkBytes the unit of transfer and of chunk checksums
 * @param files the files, with unique names
 */
public record SnapshotManifest(
        long groupId, long appliedIndex, long term, byte[] configuration, int chunkBytes, List<SnapshotFile> files) {
    /** Longest file name, in characters (names are ASCII). */
    public static final int MAX_NAME_CHARS = 255;
    /** Most files in one snapshot. */
    public static final int MAX_FILES = 100_000;
    /** Largest single file: 1 TiB. */
    public static final long MAX_FILE_BYTES = 1L << 40;
    /** Largest configuration: 1 MiB. */
    public static final int MAX_CONFIGURATION_BYTES = 1 << 20;
    /** Smallest chunk: 4 KiB. */
    public static final int MIN_CHUNK_BYTES = 4 << 10;
    /** Largest chunk: 64 MiB. */
    public static final int MAX_CHUNK_BYTES = 64 << 20;
    /** Most chunks over all files (bounds the manifest to about 16 MiB of checksums). */
    public static final int MAX_TOTAL_CHUNKS = 1 << 22;

    public SnapshotManifest {
        if (configuration.length > MAX_CONFIGURATION_BYTES) {
            throw new InvalidManifestException(
                    "configuration has " + configuration.length + " bytes, more than " + MAX_CONFIGURATION_BYTES);
        }
        if (chunkBytes < MIN_CHUNK_BYTES || chunkBytes > MAX_CHUNK_BYTES) {
            throw new InvalidManifestException(
                    "chunk size " + chunkBytes + " is outside [" + MIN_CHUNK_BYTES + ", " + MAX_CHUNK_BYTES + "]");
        }
        if (files.size() > MAX_FILES) {
            throw new InvalidManifestException(files.size() + " files, more than " + MAX_FILES);
        }
        Set<String> names = new HashSet<>();
        long chunks = 0;
        for (SnapshotFile file : files) {
            if (!names.add(file.name())) {
                throw new InvalidManifestException("duplicate file name '" + file.name() + "'");
            }
            int expected = SnapshotFile.chunkCount(file.sizeBytes(), chunkBytes);
            if (file.chunkCount() != expected) {
                throw new InvalidManifestException("file " + file.name() + " has " + file.chunkCount()
                        + " chunk checksums, its size needs " + expected);
            }
            chunks += expected;
        }
        if (chunks > MAX_TOTAL_CHUNKS) {
            throw new InvalidManifestException(chunks + " chunks in all, more than " + MAX_TOTAL_CHUNKS);
        }
        configuration = configuration.clone();
        files = List.copyOf(files);
    }

    /** The versioned binary form, ending with a CRC32C of everything before it. */
    public byte[] encode() {
        return ManifestCodec.encode(this);
    }

    /**
     * Parses and validates {@link #encode}'s output. Safe on any input: it allocates no more than the input's size.
     *
     * @throws InvalidManifestException if the bytes are not a valid manifest
     */
    public static SnapshotManifest decode(byte[] bytes) {
        return ManifestCodec.decode(bytes);
    }

    @Override
    public byte[] configuration() {
        return configuration.clone();
    }

    /** Sum of the file sizes. */
    public long totalBytes() {
        return files.stream().mapToLong(SnapshotFile::sizeBytes).sum();
    }

    /** Length of chunk {@code chunk} of file {@code file}. */
    public int chunkLength(int file, int chunk) {
        long size = files.get(file).sizeBytes();
        return (int) Math.min(chunkBytes, size - (long) chunk * chunkBytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SnapshotManifest m
                && groupId == m.groupId
                && appliedIndex == m.appliedIndex
                && term == m.term
                && chunkBytes == m.chunkBytes
                && Arrays.equals(configuration, m.configuration)
                && files.equals(m.files);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(groupId) * 31 + Long.hashCode(appliedIndex) * 17 + files.hashCode();
    }

    @Override
    public String toString() {
        return "SnapshotManifest[group " + groupId + ", index " + appliedIndex + ", term " + term + ", " + files.size()
                + " files, " + totalBytes() + " bytes, chunks of " + chunkBytes + "]";
    }
}
