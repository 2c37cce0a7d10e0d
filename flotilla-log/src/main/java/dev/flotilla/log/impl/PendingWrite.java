package dev.flotilla.log.impl;

import dev.flotilla.log.GroupWrite;
import dev.flotilla.log.LogBatch;
import dev.flotilla.raft.Entry;
import java.util.concurrent.CompletableFuture;

/** Something queued for the writer, with the future to complete once it is durable. */
sealed interface PendingWrite {
    CompletableFuture<Void> future();

    /** A rough size in the frame, for the soft cap on one write. */
    long estimatedBytes();

    record Append(LogBatch batch, CompletableFuture<Void> future, long estimatedBytes) implements PendingWrite {
        static Append of(LogBatch batch) {
            long bytes = 0;
            for (GroupWrite write : batch.writes()) {
                bytes += 64;
                for (Entry e : write.entries()) {
                    bytes += WalFormat.ENTRY_HEADER_BYTES + e.data().length;
                }
            }
            return new Append(batch, new CompletableFuture<>(), bytes);
        }
    }

    record Remove(long groupId, CompletableFuture<Void> future) implements PendingWrite {
        @Override
        public long estimatedBytes() {
            return 16;
        }
    }

    /** Completes once everything queued before it is done; writes nothing. */
    record Barrier(CompletableFuture<Void> future) implements PendingWrite {
        @Override
        public long estimatedBytes() {
            return 0;
        }
    }
}
