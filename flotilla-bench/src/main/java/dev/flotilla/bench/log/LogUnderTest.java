package dev.flotilla.bench.log;

import java.io.IOException;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/** One of the logs the benchmark compares, reduced to what the closed-loop workload does with it. */
interface LogUnderTest extends AutoCloseable {
    /**
     * Appends one entry of a group, compacting the group's log through {@code compactThrough} in the same batch when
     * present. The future completes once the entry is durable (fsynced).
     */
    CompletableFuture<Void> append(long group, long index, long term, byte[] data, OptionalLong compactThrough);

    /** fsyncs issued so far. */
    long syncs();

    /** Heap bytes of the log's index per live entry; 0 for a log without one. */
    double indexBytesPerEntry();

    @Override
    void close() throws IOException;
}
