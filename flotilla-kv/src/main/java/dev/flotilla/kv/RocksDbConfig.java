package dev.flotilla.kv;

/**
 * RocksDB settings of a node's {@link KvStore}.
 *
 * @param writeBufferSizeBytes size of one memtable; a full memtable is flushed, which makes applied writes durable
 * @param blockCacheSizeBytes shared cache of uncompressed blocks for reads
 * @param snapshotFileBytes a range snapshot is written as table files of about this size each (the last one smaller)
 */
public record RocksDbConfig(long writeBufferSizeBytes, long blockCacheSizeBytes, long snapshotFileBytes) {
    /** 64 MiB snapshot files: few enough files for a large range, small enough to reuse unchanged ones. */
    public static final long DEFAULT_SNAPSHOT_FILE_BYTES = 64L << 20;

    public RocksDbConfig {
        if (writeBufferSizeBytes < (1 << 20)) {
            throw new IllegalArgumentException(
                    "writeBufferSizeBytes must be at least 1 MiB, was " + writeBufferSizeBytes);
        }
        if (blockCacheSizeBytes < 0) {
            throw new IllegalArgumentException("blockCacheSizeBytes must not be negative, was " + blockCacheSizeBytes);
        }
        if (snapshotFileBytes < (1 << 20)) {
            throw new IllegalArgumentException("snapshotFileBytes must be at least 1 MiB, was " + snapshotFileBytes);
        }
    }

    /** Settings with 64 MiB snapshot files. */
    public RocksDbConfig(long writeBufferSizeBytes, long blockCacheSizeBytes) {
        this(writeBufferSizeBytes, blockCacheSizeBytes, DEFAULT_SNAPSHOT_FILE_BYTES);
    }

    /** 64 MiB memtables, 128 MiB block cache, 64 MiB snapshot files. */
    public static RocksDbConfig defaults() {
        return new RocksDbConfig(64L << 20, 128L << 20);
    }
}
