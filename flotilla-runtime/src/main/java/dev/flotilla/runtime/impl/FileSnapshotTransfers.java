package dev.flotilla.runtime.impl;

import dev.flotilla.raft.Message;
import dev.flotilla.raft.Role;
import dev.flotilla.raft.SnapshotMeta;
import dev.flotilla.raft.Status;
import dev.flotilla.runtime.FileSnapshotStateMachine;
import dev.flotilla.snapshot.TransferProgress;
import dev.flotilla.transport.GroupMessage;
import dev.flotilla.transport.Transport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file-snapshot path of one driver loop's groups (docs/runtime.md, "File snapshots"). Driver thread only; the
 * slow parts (writing, checksumming, fetching) run elsewhere and hand their outcome back to the driver.
 *
 * <ul>
 *   <li><b>Leader.</b> Asked to send a snapshot, it sends the newest published one if it is at or beyond the core's
 *       marker, else lets the state machine write one at its applied index and sends it once published. The message
 *       carries a {@link SnapshotHandle.Remote}, not the data. Superseded snapshots are deleted once no transfer pins
 *       them.
 *   <li><b>Follower.</b> A remote handle is not stepped into the core: the loop fetches the files (one fetch per group
 *       at a time; handles that arrive meanwhile are ignored, so a re-sent snapshot does not restart the transfer),
 *       then steps a local copy of the message whose handle names the verified directory. The core persists that
 *       marker; once it is durable the loop installs the directory.
 * </ul>
 */
final class FileSnapshotTransfers {
    private static final Logger LOG = LoggerFactory.getLogger(FileSnapshotTransfers.class);
    private static final long PROGRESS_LOG_NANOS = 5_000_000_000L;

    private final long nodeId;
    private final FileSnapshots files;
    private final Transport transport;
    private final Executor driver;
    private final LongFunction<HostedGroup> hosted;
    private final Consumer<HostedGroup> markDirty;
    private final Map<Long, Sending> sending = new HashMap<>();
    private final Map<Long, Receiving> receiving = new HashMap<>();

    /** A leader's snapshots of one group. */
    private static final class Sending {
        Optional<FileSnapshots.Published> latest = Optional.empty();
        boolean creating;
        /** Members waiting for the snapshot being created, by the term they were asked for in. */
        final Map<Long, Long> waiting = new HashMap<>();

        final List<String> superseded = new ArrayList<>();
    }

    /** A follower's running fetch of one group. */
    private record Receiving(Message.InstallSnapshot request, FileSnapshots.Fetch fetch, long[] lastLogNanos) {}

    FileSnapshotTransfers(
            long nodeId,
            FileSnapshots files,
            Transport transport,
            Executor driver,
            LongFunction<HostedGroup> hosted,
            Consumer<HostedGroup> markDirty) {
        this.nodeId = nodeId;
        this.files = files;
        this.transport = transport;
        this.driver = driver;
        this.hosted = hosted;
        this.markDirty = markDirty;
    }

    /** Whether the group's snapshots go through files. */
    static boolean usesFiles(HostedGroup group) {
        return group.stateMachine instanceof FileSnapshotStateMachine;
    }

    // ---------------------------------------------------------------- leader

    /** The core asks to send its marker to a member: send a published snapshot at or beyond it, creating one first. */
    void send(HostedGroup group, Message.InstallSnapshot request, long now) {
        group.snapshotsSentAt.put(request.to(), now);
        Sending state = sending.computeIfAbsent(group.id, id -> new Sending());
        Optional<FileSnapshots.Published> latest = state.latest;
        if (latest.isPresent() && latest.get().index() >= request.snapshot().index()) {
            sendTo(group, request.to(), request.term(), latest.get());
            return;
        }
        state.waiting.put(request.to(), request.term());
        if (state.creating) {
            return;
        }
        state.creating = true;
        long index = group.applied;
        LOG.info("node {}: group {} writes a file snapshot at {}", nodeId, group.id, index);
        long started = System.nanoTime();
        files.create(
                        group.id,
                        (FileSnapshotStateMachine) group.stateMachine,
                        index,
                        group.appliedTerm,
                        group.replica.status().membership())
                .whenComplete((published, error) -> driver.execute(() -> created(group, published, error, started)));
    }

    private void created(HostedGroup group, FileSnapshots.Published published, Throwable error, long started) {
        Sending state = sending.get(group.id);
        if (hosted.apply(group.id) != group || state == null) {
            return;
        }
        state.creating = false;
        Map<Long, Long> waiting = Map.copyOf(state.waiting);
        state.waiting.clear();
        if (error != null) {
            LOG.warn("node {}: writing a snapshot of group {} failed", nodeId, group.id, error);
            waiting.keySet().forEach(member -> group.replica.reportSnapshot(member, false));
            markDirty.accept(group);
            return;
        }
        LOG.info(
                "node {}: group {} published snapshot {} in {} ms",
                nodeId,
                group.id,
                published.id(),
                (System.nanoTime() - started) / 1_000_000);
        state.latest.ifPresent(old -> state.superseded.add(old.id()));
        state.latest = Optional.of(published);
        Status status = group.replica.status();
        waiting.forEach((member, term) -> {
            Status.FollowerProgress progress = status.progress().get(member);
            if (status.role() == Role.LEADER
                    && status.hardState().term() == term
                    && progress != null
                    && progress.state() == Status.FollowerProgress.State.SNAPSHOT) {
                sendTo(group, member, term, published);
            }
        });
        deleteSuperseded(state);
    }

    private void sendTo(HostedGroup group, long member, long term, FileSnapshots.Published published) {
        SnapshotMeta meta =
                new SnapshotMeta(published.index(), published.term(), published.membership(), files.handle(published));
        LOG.info("node {}: group {} sends node {} file snapshot {}", nodeId, group.id, member, published.id());
        transport.send(new GroupMessage(group.id, new Message.InstallSnapshot(nodeId, member, term, meta)));
    }

    private void deleteSuperseded(Sending state) {
        for (String id : List.copyOf(state.superseded)) {
            if (!files.pinned(id)) {
                state.superseded.remove(id);
                files.delete(id).thenAccept(deleted -> {
                    if (!deleted) {
                        driver.execute(() -> state.superseded.add(id));
                    }
                });
            }
        }
    }

    // ---------------------------------------------------------------- follower

    /**
     * A snapshot message for a group that uses files. Returns the message to step into the core now, or empty when the
     * loop fetches it first (or ignores it, because a fetch runs).
     */
    Optional<Message.InstallSnapshot> received(HostedGroup group, Message.InstallSnapshot message) {
        SnapshotMeta snapshot = message.snapshot();
        Optional<SnapshotHandle> handle;
        try {
            handle = SnapshotHandle.decode(snapshot.handle());
        } catch (IllegalArgumentException e) {
            LOG.warn("node {}: group {} ignores a snapshot from node {}: {}", nodeId, group.id, message.from(), e);
            return Optional.empty();
        }
        if (handle.isEmpty()) {
            return Optional.of(message); // a full copy, from a leader without file snapshots
        }
        if (!(handle.get() instanceof SnapshotHandle.Remote remote)) {
            LOG.warn(
                    "node {}: group {} ignores a local snapshot handle from node {}", nodeId, group.id, message.from());
            return Optional.empty();
        }
        if (snapshot.index() <= group.replica.status().hardState().commit()) {
            return Optional.of(message); // the core will not install it; it answers with what it has
        }
        if (receiving.containsKey(group.id)) {
            return Optional.empty();
        }
        LOG.info(
                "node {}: group {} fetches snapshot {} at {} from {}:{}",
                nodeId,
                group.id,
                remote.snapshotId(),
                snapshot.index(),
                remote.host(),
                remote.port());
        FileSnapshots.Fetch fetch = files.fetch(group.id, remote, snapshot.index(), snapshot.term());
        Receiving running = new Receiving(message, fetch, new long[] {System.nanoTime()});
        receiving.put(group.id, running);
        fetch.result().whenComplete((local, error) -> driver.execute(() -> fetched(group, running, local, error)));
        return Optional.empty();
    }

    private void fetched(HostedGroup group, Receiving running, SnapshotHandle.Local local, Throwable error) {
        if (receiving.get(group.id) != running) {
            return;
        }
        receiving.remove(group.id);
        if (hosted.apply(group.id) != group) {
            return;
        }
        Message.InstallSnapshot request = running.request();
        if (error != null) {
            // The leader sends the snapshot again after two election timeouts without an answer.
            LOG.warn("node {}: group {} could not fetch its snapshot: {}", nodeId, group.id, error.toString());
            return;
        }
        logProgress(group, running, "fetched");
        SnapshotMeta remote = request.snapshot();
        SnapshotMeta verified = new SnapshotMeta(remote.index(), remote.term(), remote.membership(), local.encode());
        group.replica.step(new Message.InstallSnapshot(request.from(), request.to(), request.term(), verified));
        markDirty.accept(group);
    }

    /** The state machine installed the verified directory named by the durable marker. */
    void installed(HostedGroup group, SnapshotHandle.Local local) {
        files.keepOnly(group.id, local);
    }

    /** At a tick: logs the progress of a long fetch, and retries deleting superseded snapshots. */
    void tick(HostedGroup group) {
        Receiving running = receiving.get(group.id);
        if (running != null && System.nanoTime() - running.lastLogNanos()[0] > PROGRESS_LOG_NANOS) {
            running.lastLogNanos()[0] = System.nanoTime();
            logProgress(group, running, "fetching");
        }
        Sending state = sending.get(group.id);
        if (state != null && !state.superseded.isEmpty()) {
            deleteSuperseded(state);
        }
    }

    private void logProgress(HostedGroup group, Receiving running, String what) {
        TransferProgress progress =
                running.fetch().transfer().map(t -> t.progress()).orElse(TransferProgress.NONE);
        LOG.info(
                "node {}: group {} {} snapshot at {}: {} of {} bytes held ({} fetched, {} reused), {}/{} files",
                nodeId,
                group.id,
                what,
                running.request().snapshot().index(),
                progress.doneBytes(),
                progress.totalBytes(),
                progress.fetchedBytes(),
                progress.reusedBytes(),
                progress.verifiedFiles(),
                progress.totalFiles());
    }

    /** The loop stops: cancels the running fetches (what they received stays for the next life). */
    void stop() {
        receiving.values().forEach(r -> r.fetch().transfer().ifPresent(t -> t.cancel()));
        receiving.clear();
        sending.clear();
    }
}
