package dev.flotilla.log;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of one {@link LogEngine}. Units are in the names; {@link #defaults(Path)} gives the production values.
 *
 * @param directory where the segment files live; created if missing. One engine per directory.
 * @param segmentSizeBytes size of each segment file. Files are preallocated to this size; one write never spans two
 *     files, so it also bounds the largest batch. Default 64 MiB.
 * @param maxWriteBytes a soft cap on one group-commit write: batches queue behind a write that is already this large.
 *     Default 8 MiB.
 * @param cacheBytes budget of the cache of recently appended entries, across all groups. 0 disables it. Default 64 MiB.
 * @param recoveryMode what recovery does with a damaged tail. Default {@link RecoveryMode#TOLERATE_TAIL_CORRUPTION}.
 * @param rewriteDiskToLiveRatio when the segments hold more than this many times the live bytes, the groups that pin
 *     the oldest segment are rewritten forward so it can be purged. Default 2.0.
 * @param rewriteMinDiskBytes no rewriting while the segments hold less than this. Default 4 segments.
 * @param rewriteBytesPerWrite how many bytes of rewritten groups may ride along one group-commit write. Default 4 MiB.
 * @param spareSegments purged segment files kept for reuse instead of deleted; reusing a file avoids preallocating a new
 *     one. Default 2.
 */
public record LogEngineConfig(
        Path directory,
        long segmentSizeBytes,
        long maxWriteBytes,
        long cacheBytes,
        RecoveryMode recoveryMode,
        double rewriteDiskToLiveRatio,
        long rewriteMinDiskBytes,
        long rewriteBytesPerWrite,
        int spareSegments) {
    public static final long MIN_SEGMENT_SIZE_BYTES = 4096;
    /** Recovery reads a segment into one buffer, so a segment must fit in a Java array: just under 2 GiB. */
    public static final long MAX_SEGMENT_SIZE_BYTES = Integer.MAX_VALUE;

    public LogEngineConfig {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(recoveryMode, "recoveryMode");
        if (segmentSizeBytes < MIN_SEGMENT_SIZE_BYTES || segmentSizeBytes > MAX_SEGMENT_SIZE_BYTES) {
            throw new IllegalArgumentException("segmentSizeBytes must be in [" + MIN_SEGMENT_SIZE_BYTES + ", "
                    + MAX_SEGMENT_SIZE_BYTES + "], was " + segmentSizeBytes);
        }
        if (maxWriteBytes < 1 || cacheBytes < 0 || rewriteMinDiskBytes < 0 || rewriteBytesPerWrite < 1) {
            throw new IllegalArgumentException("negative or zero size in " + this);
        }
        if (!(rewriteDiskToLiveRatio >= 1.0)) {
            throw new IllegalArgumentException("rewriteDiskToLiveRatio must be >= 1, was " + rewriteDiskToLiveRatio);
        }
        if (spareSegments < 0) {
            throw new IllegalArgumentException("spareSegments must be >= 0, was " + spareSegments);
        }
    }

    public static LogEngineConfig defaults(Path directory) {
        long segment = 64L << 20;
        return new LogEngineConfig(
                directory,
                segment,
                8L << 20,
                64L << 20,
                RecoveryMode.TOLERATE_TAIL_CORRUPTION,
                2.0,
                4 * segment,
                4L << 20,
                2);
    }

    public LogEngineConfig withSegmentSizeBytes(long value) {
        return new LogEngineConfig(
                directory,
                value,
                maxWriteBytes,
                cacheBytes,
                recoveryMode,
                rewriteDiskToLiveRatio,
                rewriteMinDiskBytes,
                rewriteBytesPerWrite,
                spareSegments);
    }

    public LogEngineConfig withCacheBytes(long value) {
        return new LogEngineConfig(
                directory,
                segmentSizeBytes,
                maxWriteBytes,
                value,
                recoveryMode,
                rewriteDiskToLiveRatio,
                rewriteMinDiskBytes,
                rewriteBytesPerWrite,
                spareSegments);
    }

    public LogEngineConfig withRecoveryMode(RecoveryMode value) {
        return new LogEngineConfig(
                directory,
                segmentSizeBytes,
                maxWriteBytes,
                cacheBytes,
                value,
                rewriteDiskToLiveRatio,
                rewriteMinDiskBytes,
                rewriteBytesPerWrite,
                spareSegments);
    }

    public LogEngineConfig withRewrite(double diskToLiveRatio, long minDiskBytes, long bytesPerWrite) {
        return new LogEngineConfig(
                directory,
                segmentSizeBytes,
                maxWriteBytes,
                cacheBytes,
                recoveryMode,
                diskToLiveRatio,
                minDiskBytes,
                bytesPerWrite,
                spareSegments);
    }
}
