package dev.flotilla.kv;

/**
 * What a server accepts from clients.
 *
 * @param maxRequestBytes largest request, encoded; larger ones fail with RESOURCE_EXHAUSTED (etcd's default 1.5 MiB)
 * @param maxTxnOps most operations in one Txn branch; more fail with INVALID_ARGUMENT (etcd's default 128)
 */
public record LimitsConfig(int maxRequestBytes, int maxTxnOps) {
    public LimitsConfig {
        if (maxRequestBytes < 1024) {
            throw new IllegalArgumentException("maxRequestBytes must be at least 1024, was " + maxRequestBytes);
        }
        if (maxTxnOps < 1) {
            throw new IllegalArgumentException("maxTxnOps must be positive, was " + maxTxnOps);
        }
    }

    public static LimitsConfig defaults() {
        return new LimitsConfig(1536 * 1024, 128);
    }
}
