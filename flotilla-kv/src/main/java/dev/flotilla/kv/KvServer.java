package dev.flotilla.kv;

import dev.flotilla.kv.grpc.ClientApi;
import dev.flotilla.kv.metrics.NodeMetrics;
import dev.flotilla.log.LogEngine;
import dev.flotilla.log.LogEngineConfig;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.RaftConfig;
import dev.flotilla.runtime.FileSnapshotConfig;
import dev.flotilla.runtime.RaftNode;
import dev.flotilla.runtime.RaftNodeConfig;
import dev.flotilla.transport.TransportConfig;
import dev.flotilla.transport.netty.NettyTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Flotilla server: a Raft node hosting the ranges, its RocksDB store, and the etcd v3 gRPC API for
 * clients.
 *
 * <p><b>Start.</b> {@link #start} opens the store and the log (a restart finds its data there), joins the initial
 * cluster's ranges (the same call on every start: a range already in the log reopens as it was) and serves
 * clients before returning. Requests that arrive before the range has a leader fail with UNAVAILABLE. A node added
 * with MemberAdd ({@link ClusterState#EXISTING}) instead hosts every range with an empty log, catches up from the
 * leader, and then publishes its name and client URL into the member table.
 *
 * <p><b>Stop.</b> {@link #close} stops accepting clients, lets calls in flight finish for a moment, closes the Raft
 * node (its log is durable for everything acknowledged) and flushes and closes the store.
 */
public final class KvServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KvServer.class);

    private final ServerConfig config;
    private final KvStore store;
    private final RaftNode node;
    private final ClientApi api;
    private final MemberPublisher publisher;
    private final ClusterDirectory directory;
    private final Optional<NodeMetrics> metrics;

    private KvServer(
            ServerConfig config,
            KvStore store,
            RaftNode node,
            ClientApi api,
            MemberPublisher publisher,
            ClusterDirectory directory,
            Optional<NodeMetrics> metrics) {
        this.config = config;
        this.directory = directory;
        this.store = store;
        this.node = node;
        this.api = api;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    public static KvServer start(ServerConfig config) throws IOException {
        RangeMap configured = config.ranges().map();
        KvStore store = KvStore.open(config.dataDir().resolve("kv"), config.rocksdb(), configured);
        ClusterDirectory directory = ClusterDirectory.open(config, store);
        CurrentRanges ranges = new CurrentRanges(configured, store);
        RangeHosting hosting = new RangeHosting(config.nodeId(), store, ranges);
        // Before the node starts: a split replayed from the log at start must reach the map and the hosting.
        store.onRangesChanged(hosting::refresh);
        LogEngine log;
        RaftNode node;
        try {
            log = LogEngine.open(LogEngineConfig.defaults(config.dataDir().resolve("log"))
                    .withSegmentSizeBytes(config.log().segmentSizeBytes()));
            node = startNode(config, log, store, directory);
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        Optional<NodeMetrics> metrics = Optional.empty();
        try {
            Set<Long> voters =
                    config.initialCluster().stream().map(MemberConfig::id).collect(Collectors.toSet());
            for (long range : configured.rangeIds()) {
                if (config.initialClusterState() == ClusterState.EXISTING) {
                    node.joinGroup(range).join();
                } else {
                    node.createGroup(range, Membership.ofVoters(voters)).join();
                }
            }
            hosting.start(node);
            if (config.metricsListenAddress().isPresent()) {
                metrics = Optional.of(
                        NodeMetrics.start(config.metricsListenAddress().get(), node, log));
            }
            RaftNode measured = metrics.map(m -> m.measuringProposals(node)).orElse(node);
            ClientApi api = ClientApi.start(config, measured, store, ranges, directory);
            LOG.info(
                    "node {} serves clients on {} and peers on {}, data in {}",
                    config.nodeId(),
                    api.address(),
                    config.peerListenAddress(),
                    config.dataDir());
            MemberPublisher publisher = MemberPublisher.start(config, directory, node);
            return new KvServer(config, store, node, api, publisher, directory, metrics);
        } catch (IOException | RuntimeException e) {
            metrics.ifPresent(NodeMetrics::close);
            node.close();
            store.close();
            throw e;
        }
    }

    private static RaftNode startNode(ServerConfig config, LogEngine log, KvStore store, ClusterDirectory directory) {
        NettyTransport transport = new NettyTransport(
                TransportConfig.defaults(config.nodeId(), config.clusterId(), config.peerListenAddress()), directory);
        RaftTimingConfig timing = config.raft();
        RaftNodeConfig nodeConfig = new RaftNodeConfig(
                RaftConfig.defaults(config.nodeId()).withElectionTicks(timing.electionTicks(), timing.heartbeatTicks()),
                Duration.ofMillis(timing.tickIntervalMs()),
                Duration.ofMillis(timing.requestTimeoutMs()),
                10_000,
                config.snapshots().compactionThresholdEntries());
        FileSnapshotConfig snapshots = FileSnapshotConfig.defaults(
                config.dataDir().resolve("snapshots"),
                config.snapshots()
                        .listenAddress(
                                config.member(config.nodeId()).orElseThrow().peerAddress()));
        return RaftNode.start(nodeConfig, log, transport, store::stateMachine, snapshots);
    }

    /** Where clients connect (the bound port, when the configuration asked for port 0). */
    public InetSocketAddress clientAddress() {
        return api.address();
    }

    /** The Raft node, for tests and tools that inspect the ranges' state. */
    public RaftNode node() {
        return node;
    }

    /** The node's MVCC data, for tests and tools that inspect the ranges' data (checksums per range). */
    public KvStore store() {
        return store;
    }

    /** Where this node serves its Prometheus metrics, if it does (the bound port, when port 0 was asked for). */
    public Optional<InetSocketAddress> metricsAddress() {
        return metrics.map(NodeMetrics::address);
    }

    /** The members and addresses this node knows (its transport's address book). */
    public ClusterDirectory directory() {
        return directory;
    }

    @Override
    public void close() {
        publisher.close();
        api.close();
        metrics.ifPresent(NodeMetrics::close);
        node.close();
        store.close();
        LOG.info("node {} stopped", config.nodeId());
    }
}
