package dev.flotilla.kv;

/**
 * RocksDB settings of a node's {@link KvStore}.
 *
 * @param writeBufferSizeBytes size of one memtable; a full memtable is flushed, which makes applied writes durable
 * @param blockCacheSizeBytes shared cache of uncompressed blocks for reads
 */
public record RocksDbConfig(long writeBufferSizeBytes, long blockCacheSizeBytes) {
    public RocksDbConfig {
        if (writeBufferSizeBytes < (1 << 20)) {
            throw new IllegalArgumentException(
                    "writeBufferSizeBytes must be at least 1 MiB, was " + writeBufferSizeBytes);
        }
        if (blockCacheSizeBytes < 0) {
            throw new IllegalArgumentException("blockCacheSizeBytes must not be negative, was " + blockCacheSizeBytes);
        }
    }

    /** 64 MiB memtables, 128 MiB block cache. */
    public static RocksDbConfig defaults() {
        return new RocksDbConfig(64L << 20, 128L << 20);
    }
}
