package dev.flotilla.runtime;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * A state machine whose snapshots are files: a leader writes its state into a directory, the snapshot-transfer layer
 * ships the files (resumable, checksummed, reusing files the follower already holds), and the follower installs them.
 * This is the path for state larger than one transport frame (docs/runtime.md, "File snapshots"); the full-copy
 * methods of {@link StateMachine} are then used only by nodes started without file snapshots.
 *
 * <p><b>Threads.</b> Both methods are called on the driver thread, like every {@link StateMachine} method. {@link
 * #writeSnapshot} must return quickly: it captures a consistent view at once and writes the files on its own threads.
 */
public interface FileSnapshotStateMachine extends StateMachine {
    /**
     * Captures the applied state as it is now (right after an {@link #apply}, whose {@code appliedIndex} is the state's
     * index) and writes it as files into {@code directory}, which exists and is empty. Later applies must not change
     * what is written. The future completes when every file is complete and synced; the files are never changed after
     * that. File names follow the snapshot manifest's name rule (letters, digits, {@code _ - .}, not starting with a
     * dot), and equal content should get equal names, so that a follower can reuse files it already holds.
     */
    CompletableFuture<Void> writeSnapshot(Path directory);

    /**
     * Replaces the whole state by the files in {@code directory}, written by {@link #writeSnapshot} on a replica of the
     * same group at applied index {@code appliedIndex} and verified against their checksums. The directory also holds
     * files whose names start with a dot (the transfer's manifest): ignore them. It must stay unchanged: the runtime
     * keeps it for the next transfer's reuse. After the call the applied state is the snapshot's; {@link
     * #durableAppliedIndex()} may lag until it is durable, and until then a restart calls this method again with the
     * same directory, so it must be idempotent and must leave the old state or the new one after a crash, never a mix
     * (an empty state that reports a durable index below {@code appliedIndex} is allowed: it is installed again).
     *
     * @throws IllegalArgumentException if the files are not such a snapshot; the state is then unchanged
     */
    void installSnapshot(Path directory, long appliedIndex);
}
