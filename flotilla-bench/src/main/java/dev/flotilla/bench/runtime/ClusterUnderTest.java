package dev.flotilla.bench.runtime;

import java.util.concurrent.CompletableFuture;

/**
 * Three Raft servers in this process, every group with a leader, ready for proposals: the system that {@code flotilla
 * bench raft} measures. Proposals go straight to the leader's server object, so neither system pays a client hop.
 */
interface ClusterUnderTest extends AutoCloseable {
    /** Servers in every cluster the benchmark runs. */
    int NODES = 3;

    /**
     * A new client of {@code group} (1..groups). The benchmark gives each closed-loop client its own, and keeps at most
     * one of its proposals outstanding.
     */
    Proposer newClient(long group);

    /** Stops the servers; their data directories are the caller's to delete. */
    @Override
    void close();

    /** Proposes commands to one group's leader. */
    @FunctionalInterface
    interface Proposer {
        /** Completes when {@code command} is committed and applied, exceptionally when the leader refuses it. */
        CompletableFuture<?> propose(byte[] command);
    }
}
