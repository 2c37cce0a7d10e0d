package dev.flotilla.runtime.impl;

import dev.flotilla.log.GroupWrite;
import dev.flotilla.log.LogBatch;
import dev.flotilla.log.LogEngine;
import dev.flotilla.raft.LogStorage;
import dev.flotilla.raft.Message;
import dev.flotilla.raft.SnapshotMeta;
import dev.flotilla.raft.Status;
import dev.flotilla.runtime.FileSnapshotStateMachine;
import dev.flotilla.runtime.StateMachine;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log compaction and the full-copy snapshot path of a node's groups (docs/runtime.md, "Compaction and snapshots").
 * Driver thread only.
 *
 * <ul>
 *   <li><b>Compaction.</b> Once a group's state machine holds {@code compactionThresholdEntries} applied entries
 *       durably, a snapshot marker at its durable index compacts the log. The marker carries no data: this node's own
 *       state machine holds it.
 *   <li><b>Sending.</b> The core asks for a snapshot with the log's marker; the leader sends its state machine's whole
 *       applied state instead, at its applied index, which is at or beyond the marker.
 *   <li><b>Installing.</b> The follower's runtime persists the received marker, data included, then restores the state
 *       machine. Until the state machine reports a durable index at or beyond it, a restart restores it from the marker
 *       again.
 *   <li><b>Retrying.</b> A snapshot message may be lost (a full peer queue, a reconnect). A member still waiting for
 *       one after two election timeouts is reported as failed, and the core sends it again once the member answers.
 * </ul>
 */
final class GroupSnapshots {
    private static final Logger LOG = LoggerFactory.getLogger(GroupSnapshots.class);
    private static final byte[] NO_DATA = new byte[0];

    private final long nodeId;
    private final LogEngine log;
    private final long thresholdEntries;
    private final long retryAfterTicks;

    GroupSnapshots(long nodeId, LogEngine log, long thresholdEntries, long retryAfterTicks) {
        this.nodeId = nodeId;
        this.log = log;
        this.thresholdEntries = thresholdEntries;
        this.retryAfterTicks = retryAfterTicks;
    }

    /**
     * On opening a group: restores the state machine from the log's marker when the marker is ahead of what the state
     * machine kept. Returns the group's applied index.
     */
    static long restoreFromMarker(
            long groupId, LogStorage stored, StateMachine stateMachine, Optional<FileSnapshots> files) {
        long durable = stateMachine.durableAppliedIndex();
        SnapshotMeta marker = stored.snapshot();
        if (marker.index() <= durable) {
            return durable;
        }
        if (marker.handle().length == 0) {
            throw new IllegalStateException("group " + groupId + ": the log is compacted up to " + marker.index()
                    + " but the state machine kept only up to " + durable
                    + "; a state machine must not lose what it reported durable");
        }
        LOG.info("group {}: installing the snapshot at {} again after a restart", groupId, marker.index());
        install(groupId, stateMachine, marker, files);
        return marker.index();
    }

    /**
     * Makes the state machine take a snapshot that is durable in the log: from the verified directory its handle names
     * (a file snapshot; returned) or from the data it carries (a full copy).
     */
    static Optional<SnapshotHandle.Local> install(
            long groupId, StateMachine stateMachine, SnapshotMeta snapshot, Optional<FileSnapshots> files) {
        if (stateMachine instanceof FileSnapshotStateMachine fileStateMachine) {
            Optional<SnapshotHandle> handle = SnapshotHandle.decode(snapshot.handle());
            if (handle.isPresent() && handle.get() instanceof SnapshotHandle.Local local) {
                FileSnapshots snapshots = files.orElseThrow(() -> new IllegalStateException("group " + groupId
                        + ": the log's snapshot marker names a snapshot directory, but file snapshots are off"));
                fileStateMachine.installSnapshot(snapshots.localDirectory(groupId, local), snapshot.index());
                return Optional.of(local);
            }
        }
        stateMachine.restore(snapshot.handle(), snapshot.index());
        return Optional.empty();
    }

    /** After an apply: compacts the group's log if enough of it is durable in the state machine. */
    void maybeCompact(HostedGroup group) {
        LogStorage stored = group.storage;
        long durable = Math.min(Math.min(group.stateMachine.durableAppliedIndex(), group.applied), stored.lastIndex());
        // The marker needs the membership in force at its index; the replica only knows the current one.
        if (durable - stored.firstIndex() + 1 < thresholdEntries || group.lastConfChangeIndex > durable) {
            return;
        }
        SnapshotMeta marker = new SnapshotMeta(
                durable, stored.term(durable), group.replica.status().membership(), NO_DATA);
        log.append(LogBatch.of(new GroupWrite(
                        group.id, Optional.of(marker), OptionalLong.empty(), List.of(), Optional.empty())))
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        // Harmless: the log stays longer, and the next apply tries again.
                        LOG.warn("node {}: compacting group {} up to {} failed", nodeId, group.id, durable, error);
                    }
                });
    }

    /** The message to send for the core's request to install its marker on a member: the whole applied state. */
    Message.InstallSnapshot fullCopy(HostedGroup group, Message.InstallSnapshot request, long now) {
        group.snapshotsSentAt.put(request.to(), now);
        SnapshotMeta copy = new SnapshotMeta(
                group.applied, group.appliedTerm, group.replica.status().membership(), group.stateMachine.snapshot());
        LOG.info(
                "node {}: group {} sends node {} a snapshot at {} ({} bytes)",
                nodeId,
                group.id,
                request.to(),
                copy.index(),
                copy.handle().length);
        return new Message.InstallSnapshot(request.from(), request.to(), request.term(), copy);
    }

    /** At a tick: reports snapshots that got no answer in time as failed, so the core sends them again. */
    void retryStalled(HostedGroup group, long now) {
        if (group.snapshotsSentAt.isEmpty()) {
            return;
        }
        Status status = group.replica.status();
        for (var it = group.snapshotsSentAt.entrySet().iterator(); it.hasNext(); ) {
            var sent = it.next();
            Status.FollowerProgress progress = status.progress().get(sent.getKey());
            if (progress == null || progress.state() != Status.FollowerProgress.State.SNAPSHOT) {
                it.remove();
            } else if (now - sent.getValue() > retryAfterTicks) {
                group.replica.reportSnapshot(sent.getKey(), false);
                it.remove();
            }
        }
    }
}
