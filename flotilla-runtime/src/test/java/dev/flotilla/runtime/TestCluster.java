package dev.flotilla.runtime;

import dev.flotilla.log.LogEngine;
import dev.flotilla.log.LogEngineConfig;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.RaftConfig;
import dev.flotilla.raft.Role;
import dev.flotilla.raft.Status;
import dev.flotilla.snapshot.SnapshotFetcherConfig;
import dev.flotilla.transport.Transport;
import dev.flotilla.transport.TransportConfig;
import dev.flotilla.transport.netty.NettyTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.LongFunction;

/**
 * Real nodes in one JVM: each with its own log engine in its own directory and a Netty transport on loopback. Nodes
 * can be stopped and restarted on the same directory and port.
 */
final class TestCluster implements AutoCloseable {
    static final long CLUSTER_ID = 7;
    static final Duration TICK = Duration.ofMillis(10);

    interface LogOpener {
        LogEngine open(long nodeId, Path directory) throws IOException;
    }

    private final Path root;
    private final Map<Long, InetSocketAddress> addresses = new ConcurrentHashMap<>();
    private final Map<Long, RaftNode> nodes = new TreeMap<>();
    private final Map<Long, Map<Long, InMemoryStateMachine>> stateMachines = new HashMap<>();
    private final LogOpener logOpener;
    private final BiFunction<Long, Transport, Transport> transportWrapper;

    private final int size;
    private final Duration tick;
    /** When present, state machines save to files every this many entries and logs compact beyond them. */
    private final Optional<Long> saveEvery;

    private final int driverThreads;
    /** Whether nodes have file snapshots (and state machines that write them); see {@link #withFileSnapshots}. */
    private final boolean fileSnapshots;
    /** The fetcher settings of the nodes started from now on, when they have file snapshots. */
    volatile SnapshotFetcherConfig fetcherConfig = SnapshotFetcherConfig.defaults();

    private final Map<Long, LogEngine> logs = new ConcurrentHashMap<>();

    /**
     * Starts nodes 1..size, which are the initial members of every group; nodes size+1..size+spare get an address but
     * start only when a test starts them (to join groups later).
     */
    TestCluster(
            Path root,
            int size,
            int spare,
            Duration tick,
            LogOpener logOpener,
            BiFunction<Long, Transport, Transport> transportWrapper) {
        this(root, size, spare, tick, logOpener, transportWrapper, Optional.empty(), 1, false);
    }

    private TestCluster(
            Path root,
            int size,
            int spare,
            Duration tick,
            LogOpener logOpener,
            BiFunction<Long, Transport, Transport> transportWrapper,
            Optional<Long> saveEvery,
            int driverThreads,
            boolean fileSnapshots) {
        this.root = root;
        this.fileSnapshots = fileSnapshots;
        this.size = size;
        this.tick = tick;
        this.logOpener = logOpener;
        this.saveEvery = saveEvery;
        this.driverThreads = driverThreads;
        this.transportWrapper = transportWrapper;
        for (long id = 1; id <= size + spare; id++) {
            addresses.put(id, new InetSocketAddress("127.0.0.1", freePort()));
        }
        for (long id = 1; id <= size; id++) {
            start(id);
        }
    }

    TestCluster(Path root, int size, LogOpener logOpener, BiFunction<Long, Transport, Transport> transportWrapper) {
        this(root, size, 0, TICK, logOpener, transportWrapper);
    }

    TestCluster(Path root, int size, int spare) {
        this(root, size, spare, TICK, (id, dir) -> LogEngine.open(smallSegments(dir)), (id, transport) -> transport);
    }

    TestCluster(Path root, int size) {
        this(root, size, 0);
    }

    /**
     * Nodes whose state machines keep their state in files, saved every {@code saveEvery} entries, and whose logs are
     * compacted every {@code saveEvery} durable entries: followers that fall behind need snapshots.
     */
    static TestCluster compacting(
            Path root, int size, long saveEvery, BiFunction<Long, Transport, Transport> transportWrapper) {
        return new TestCluster(
                root,
                size,
                0,
                // Longer ticks than the other tests: a two-node quorum of file-backed nodes must not lose its leader
                // to a starved CPU while a third node is down.
                TICK.multipliedBy(3),
                (id, dir) -> LogEngine.open(smallSegments(dir)),
                transportWrapper,
                Optional.of(saveEvery),
                1,
                false);
    }

    /** Like {@link #compacting}, with file snapshots: state machines write their snapshots as files. */
    static TestCluster withFileSnapshots(
            Path root, int size, long saveEvery, BiFunction<Long, Transport, Transport> transportWrapper) {
        return new TestCluster(
                root,
                size,
                0,
                TICK.multipliedBy(3),
                (id, dir) -> LogEngine.open(smallSegments(dir)),
                transportWrapper,
                Optional.of(saveEvery),
                1,
                true);
    }

    /** Nodes whose groups are driven by {@code driverThreads} threads each. */
    static TestCluster withDriverThreads(Path root, int size, int driverThreads) {
        return new TestCluster(
                root,
                size,
                0,
                TICK,
                (id, dir) -> LogEngine.open(smallSegments(dir)),
                (id, transport) -> transport,
                Optional.empty(),
                driverThreads,
                false);
    }

    static LogEngineConfig smallSegments(Path dir) {
        return LogEngineConfig.defaults(dir).withSegmentSizeBytes(1 << 20);
    }

    /** The initial members: nodes 1..size as voters. */
    Membership allVoters() {
        Set<Long> voters = new java.util.TreeSet<>();
        for (long id = 1; id <= size; id++) {
            voters.add(id);
        }
        return Membership.ofVoters(voters);
    }

    void start(long id) {
        try {
            LogEngine log = logOpener.open(id, root.resolve("node-" + id));
            logs.put(id, log);
            Transport transport = transportWrapper.apply(
                    id,
                    new NettyTransport(
                            TransportConfig.defaults(id, CLUSTER_ID, addresses.get(id)),
                            node -> Optional.ofNullable(addresses.get(node))));
            Map<Long, InMemoryStateMachine> machines = new ConcurrentHashMap<>();
            stateMachines.put(id, machines);
            RaftNodeConfig config = new RaftNodeConfig(
                    RaftConfig.defaults(id).withElectionTicks(10, 1),
                    tick,
                    Duration.ofSeconds(2),
                    10_000,
                    saveEvery.orElse(Long.MAX_VALUE),
                    driverThreads);
            Path stateDir = root.resolve("node-" + id + "-state");
            Files.createDirectories(stateDir);
            LongFunction<StateMachine> factory = group -> {
                InMemoryStateMachine memory = new InMemoryStateMachine();
                machines.put(group, memory);
                return saveEvery
                        .<StateMachine>map(every -> {
                            FileBackedStateMachine saved =
                                    new FileBackedStateMachine(memory, stateDir.resolve("group-" + group), every);
                            return fileSnapshots ? new FileSnapshotTestStateMachine(saved) : saved;
                        })
                        .orElse(memory);
            };
            nodes.put(
                    id,
                    fileSnapshots
                            ? RaftNode.start(
                                    config,
                                    log,
                                    transport,
                                    factory,
                                    new FileSnapshotConfig(
                                            snapshotDirectory(id),
                                            new InetSocketAddress("127.0.0.1", 0),
                                            64 << 10,
                                            fetcherConfig))
                            : RaftNode.start(config, log, transport, factory));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where node {@code id} keeps its file snapshots. */
    Path snapshotDirectory(long id) {
        return root.resolve("node-" + id + "-snapshots");
    }

    void stop(long id) {
        nodes.remove(id).close();
    }

    RaftNode node(long id) {
        return nodes.get(id);
    }

    Set<Long> running() {
        return nodes.keySet();
    }

    /** The log of a running node (read only: the node owns it). */
    LogEngine log(long id) {
        return logs.get(id);
    }

    InMemoryStateMachine stateMachine(long node, long group) {
        return stateMachines.get(node).get(group);
    }

    void createGroups(long first, long last) {
        for (RaftNode node : nodes.values()) {
            for (long g = first; g <= last; g++) {
                node.createGroup(g, allVoters()).join();
            }
        }
    }

    /** The node that leads {@code group}, once one does (waits up to 10 s). */
    long awaitLeader(long group) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (Map.Entry<Long, RaftNode> e : nodes.entrySet()) {
                Optional<Status> status = e.getValue().status(group).join();
                if (status.isPresent() && status.get().role() == Role.LEADER) {
                    return e.getKey();
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no leader for group " + group + " within 10 s");
    }

    /** Proposes until it succeeds, trying the nodes in turn, as a client with retries would. */
    String put(long group, String key, String value) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            for (RaftNode node : nodes.values()) {
                CompletableFuture<byte[]> result = node.propose(group, InMemoryStateMachine.put(key, value));
                try {
                    return new String(result.get(3, TimeUnit.SECONDS), StandardCharsets.UTF_8);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    last = new RuntimeException(e);
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("put " + key + " in group " + group + " never succeeded", last);
    }

    /** Waits until every running node's state machine of {@code group} holds exactly {@code expected}. */
    void awaitConverged(long group, Map<String, String> expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (long id : nodes.keySet()) {
                InMemoryStateMachine machine = stateMachine(id, group);
                all &= machine != null && machine.contents().equals(expected);
            }
            if (all) {
                return;
            }
            Thread.sleep(10);
        }
        Map<Long, Object> seen = new TreeMap<>();
        nodes.keySet()
                .forEach(id -> seen.put(
                        id,
                        stateMachine(id, group) == null
                                ? "none"
                                : stateMachine(id, group).contents()));
        throw new AssertionError("group " + group + " did not converge to " + expected + ": " + seen);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (long id : Set.copyOf(nodes.keySet())) {
            stop(id);
        }
    }
}
