package dev.flotilla.runtime.impl;

import dev.flotilla.log.LogEngine;
import dev.flotilla.raft.ConfChange;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.Status;
import dev.flotilla.runtime.RaftNode;
import dev.flotilla.runtime.RaftNodeConfig;
import dev.flotilla.runtime.ReadConsistency;
import dev.flotilla.runtime.StateMachine;
import dev.flotilla.transport.Transport;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production wiring of a {@link NodeLoop}: one driver thread runs it, one timer thread feeds it ticks, and the
 * transport's I/O threads and the log's writer thread hand it their events.
 */
public final class ThreadedRaftNode implements RaftNode {
    private static final Logger LOG = LoggerFactory.getLogger(ThreadedRaftNode.class);

    private final RaftNodeConfig config;
    private final LogEngine log;
    private final Transport transport;
    private final DriverThread driver;
    private final ScheduledExecutorService ticker;
    private final NodeLoop loop;

    private ThreadedRaftNode(
            RaftNodeConfig config, LogEngine log, Transport transport, LongFunction<StateMachine> stateMachines) {
        this.config = config;
        this.log = log;
        this.transport = transport;
        String name = "flotilla-node-" + config.nodeId();
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, name + "-ticker"));
        this.loop = new NodeLoop(config, log, transport, stateMachines, this::onDriver, new SecureRandom().nextLong());
        this.driver = new DriverThread(name + "-driver", loop);
    }

    public static RaftNode start(
            RaftNodeConfig config, LogEngine log, Transport transport, LongFunction<StateMachine> stateMachines) {
        ThreadedRaftNode node = new ThreadedRaftNode(config, log, transport, stateMachines);
        // The transport starts first: every cycle flushes it. Messages that arrive before the groups are open are
        // dropped, and Raft sends them again.
        transport.start((from, batch) -> node.onDriver(() -> node.loop.deliver(batch)));
        CompletableFuture<Void> opened = new CompletableFuture<>();
        node.onDriver(() -> {
            node.loop.openExistingGroups();
            opened.complete(null);
        });
        opened.join();
        long tickNanos = config.tickInterval().toNanos();
        node.ticker.scheduleAtFixedRate(
                () -> node.onDriver(node.loop::tick), tickNanos, tickNanos, TimeUnit.NANOSECONDS);
        return node;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread thread = new Thread(r, name);
        thread.setDaemon(true);
        return thread;
    }

    private void onDriver(Runnable task) {
        driver.submit(task);
    }

    @Override
    public CompletableFuture<Void> createGroup(long groupId, Membership initialMembers) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        onDriver(() -> loop.createGroup(groupId, initialMembers, done));
        return done;
    }

    @Override
    public CompletableFuture<Void> joinGroup(long groupId) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        onDriver(() -> loop.joinGroup(groupId, done));
        return done;
    }

    @Override
    public CompletableFuture<Membership> changeMembership(long groupId, ConfChange change) {
        CompletableFuture<Membership> done = new CompletableFuture<>();
        onDriver(() -> loop.changeMembership(groupId, change, done));
        return done;
    }

    @Override
    public CompletableFuture<byte[]> propose(long groupId, byte[] command) {
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        onDriver(() -> loop.propose(groupId, command, done));
        return done;
    }

    @Override
    public CompletableFuture<Void> awaitLinearizable(long groupId) {
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        onDriver(() -> loop.read(groupId, NodeLoop.NO_QUERY, ReadConsistency.LINEARIZABLE, done));
        return done.thenApply(ignored -> null);
    }

    @Override
    public CompletableFuture<byte[]> read(long groupId, byte[] query, ReadConsistency consistency) {
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        onDriver(() -> loop.read(groupId, query, consistency, done));
        return done;
    }

    @Override
    public CompletableFuture<Void> transferLeadership(long groupId, long target) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        onDriver(() -> loop.transferLeadership(groupId, target, done));
        return done;
    }

    @Override
    public CompletableFuture<Optional<Status>> status(long groupId) {
        CompletableFuture<Optional<Status>> done = new CompletableFuture<>();
        onDriver(() -> done.complete(loop.status(groupId)));
        return done;
    }

    @Override
    public Set<Long> groups() {
        return loop.groupIds();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        onDriver(loop::stop);
        driver.stopAndJoin();
        transport.close();
        try {
            log.close();
        } catch (IOException e) {
            LOG.warn("node {}: closing the log failed", config.nodeId(), e);
        }
    }
}
