package dev.flotilla.runtime.impl;

import dev.flotilla.log.LogEngine;
import dev.flotilla.raft.ConfChange;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.Status;
import dev.flotilla.runtime.FileSnapshotConfig;
import dev.flotilla.runtime.RaftNode;
import dev.flotilla.runtime.RaftNodeConfig;
import dev.flotilla.runtime.ReadConsistency;
import dev.flotilla.runtime.SnapshotTraffic;
import dev.flotilla.runtime.StateMachine;
import dev.flotilla.transport.GroupMessage;
import dev.flotilla.transport.Transport;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production wiring of a node: {@code driverThreads} {@link NodeLoop}s, each on its own driver thread and each
 * driving a fixed share of the groups (by group id); one timer thread feeds them all ticks; the transport's I/O threads
 * and the log's writer thread hand them their events. The loops share the log and the transport, both safe to use from
 * any thread, and nothing else: a group's requests, messages and log completions always go to the loop that drives it.
 */
public final class ThreadedRaftNode implements RaftNode {
    private static final Logger LOG = LoggerFactory.getLogger(ThreadedRaftNode.class);

    /** One loop and the thread that runs it. */
    private record Shard(NodeLoop loop, DriverThread driver) {}

    private final RaftNodeConfig config;
    private final LogEngine log;
    private final Transport transport;
    private final ScheduledExecutorService ticker;
    private final List<Shard> shards = new ArrayList<>();
    private final Set<Long> groups;
    private final Optional<FileSnapshots> files;

    private ThreadedRaftNode(
            RaftNodeConfig config,
            LogEngine log,
            Transport transport,
            LongFunction<StateMachine> stateMachines,
            Optional<FileSnapshotConfig> fileSnapshots) {
        this.config = config;
        this.files = fileSnapshots.map(c -> FileSnapshots.open(config.nodeId(), c));
        this.log = log;
        this.transport = transport;
        String name = "flotilla-node-" + config.nodeId();
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, name + "-ticker"));
        SecureRandom random = new SecureRandom();
        List<Set<Long>> groupsOfShards = new ArrayList<>();
        for (int i = 0; i < config.driverThreads(); i++) {
            int shard = i;
            NodeLoop loop = new NodeLoop(
                    config, log, transport, stateMachines, task -> onDriver(shard, task), random.nextLong(), files);
            String suffix = config.driverThreads() == 1 ? "" : "-" + i;
            shards.add(new Shard(loop, new DriverThread(name + "-driver" + suffix, loop)));
            groupsOfShards.add(loop.groupIds());
        }
        this.groups = new UnionOfDisjointSets(groupsOfShards);
    }

    public static RaftNode start(
            RaftNodeConfig config,
            LogEngine log,
            Transport transport,
            LongFunction<StateMachine> stateMachines,
            Optional<FileSnapshotConfig> fileSnapshots) {
        ThreadedRaftNode node = new ThreadedRaftNode(config, log, transport, stateMachines, fileSnapshots);
        // The transport starts first: every cycle flushes it. Messages that arrive before the groups are open are
        // dropped, and Raft sends them again.
        transport.start((from, batch) -> node.deliver(batch));
        List<CompletableFuture<Void>> opened = new ArrayList<>();
        for (int i = 0; i < node.shards.size(); i++) {
            int shard = i;
            CompletableFuture<Void> done = new CompletableFuture<>();
            node.shards.get(i).driver().submit(() -> {
                node.shards.get(shard).loop().openExistingGroups(group -> node.shardIndex(group) == shard);
                done.complete(null);
            });
            opened.add(done);
        }
        opened.forEach(CompletableFuture::join);
        long tickNanos = config.tickInterval().toNanos();
        node.ticker.scheduleAtFixedRate(
                () -> node.shards.forEach(s -> s.driver().submit(s.loop()::tick)),
                tickNanos,
                tickNanos,
                TimeUnit.NANOSECONDS);
        return node;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread thread = new Thread(r, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Hands an inbound batch to the loops that drive its groups; liveness pings go to every loop. */
    private void deliver(List<GroupMessage> batch) {
        if (shards.size() == 1) {
            onDriver(0, () -> shards.get(0).loop().deliver(batch));
            return;
        }
        List<List<GroupMessage>> split = new ArrayList<>();
        shards.forEach(s -> split.add(new ArrayList<>()));
        for (GroupMessage message : batch) {
            if (message.groupId() == PeerLiveness.PING_GROUP) {
                split.forEach(part -> part.add(message));
            } else {
                split.get(shardIndex(message.groupId())).add(message);
            }
        }
        for (int i = 0; i < shards.size(); i++) {
            List<GroupMessage> part = split.get(i);
            if (!part.isEmpty()) {
                NodeLoop loop = shards.get(i).loop();
                onDriver(i, () -> loop.deliver(part));
            }
        }
    }

    private int shardIndex(long groupId) {
        // Group ids are often consecutive; mixing them spreads any pattern of ids evenly.
        return (int) Math.floorMod(groupId * 0x9E3779B97F4A7C15L >>> 17, (long) shards.size());
    }

    private void onDriver(int shard, Runnable task) {
        shards.get(shard).driver().submit(task);
    }

    /** Runs {@code task} with the loop that drives {@code groupId}, on its driver thread. */
    private void onDriverOf(long groupId, Consumer<NodeLoop> task) {
        Shard shard = shards.get(shardIndex(groupId));
        shard.driver().submit(() -> task.accept(shard.loop()));
    }

    @Override
    public CompletableFuture<Void> createGroup(long groupId, Membership initialMembers) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        onDriverOf(groupId, loop -> loop.createGroup(groupId, initialMembers, done));
        return done;
    }

    @Override
    public CompletableFuture<Void> createGroup(long groupId, Membership initialMembers, long initialIndex) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        onDriverOf(groupId, loop -> loop.createGroup(groupId, initialMembers, initialIndex, done));
        return done;
    }

    @Override
    public CompletableFuture<Void> joinGroup(long groupId) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        onDriverOf(groupId, loop -> loop.joinGroup(groupId, done));
        return done;
    }

    @Override
    public CompletableFuture<Membership> changeMembership(long groupId, ConfChange change) {
        CompletableFuture<Membership> done = new CompletableFuture<>();
        onDriverOf(groupId, loop -> loop.changeMembership(groupId, change, done));
        return done;
    }

    @Override
    public CompletableFuture<byte[]> propose(long groupId, byte[] command) {
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        onDriverOf(groupId, loop -> loop.propose(groupId, command, done));
        return done;
    }

    @Override
    public CompletableFuture<Void> awaitLinearizable(long groupId) {
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        onDriverOf(groupId, loop -> loop.read(groupId, NodeLoop.NO_QUERY, ReadConsistency.LINEARIZABLE, done));
        return done.thenApply(ignored -> null);
    }

    @Override
    public CompletableFuture<byte[]> read(long groupId, byte[] query, ReadConsistency consistency) {
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        onDriverOf(groupId, loop -> loop.read(groupId, query, consistency, done));
        return done;
    }

    @Override
    public CompletableFuture<Void> transferLeadership(long groupId, long target) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        onDriverOf(groupId, loop -> loop.transferLeadership(groupId, target, done));
        return done;
    }

    @Override
    public CompletableFuture<Optional<Status>> status(long groupId) {
        CompletableFuture<Optional<Status>> done = new CompletableFuture<>();
        onDriverOf(groupId, loop -> done.complete(loop.status(groupId)));
        return done;
    }

    @Override
    public SnapshotTraffic snapshotTraffic() {
        return files.map(FileSnapshots::traffic).orElse(SnapshotTraffic.NONE);
    }

    @Override
    public Set<Long> groups() {
        return groups;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        for (Shard shard : shards) {
            shard.driver().submit(shard.loop()::stop);
            shard.driver().stopAndJoin();
        }
        files.ifPresent(FileSnapshots::close);
        transport.close();
        try {
            log.close();
        } catch (IOException e) {
            LOG.warn("node {}: closing the log failed", config.nodeId(), e);
        }
    }
}
