package dev.flotilla.kv;

import dev.flotilla.kv.grpc.ClientApi;
import dev.flotilla.log.LogEngine;
import dev.flotilla.log.LogEngineConfig;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.RaftConfig;
import dev.flotilla.runtime.RaftNode;
import dev.flotilla.runtime.RaftNodeConfig;
import dev.flotilla.transport.TransportConfig;
import dev.flotilla.transport.netty.NettyTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
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
 * cluster's ranges (the same call on every start: a range already in the log reopens as it was) and serves clients
 * before returning. Requests that arrive before the range has a leader fail with UNAVAILABLE.
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

    private KvServer(ServerConfig config, KvStore store, RaftNode node, ClientApi api) {
        this.config = config;
        this.store = store;
        this.node = node;
        this.api = api;
    }

    public static KvServer start(ServerConfig config) throws IOException {
        KvStore store = KvStore.open(config.dataDir().resolve("kv"), config.rocksdb());
        RaftNode node;
        try {
            node = startNode(config, store);
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        try {
            Set<Long> voters =
                    config.initialCluster().stream().map(MemberConfig::id).collect(Collectors.toSet());
            RangeMap ranges = config.ranges().map();
            for (long range : ranges.rangeIds()) {
                node.createGroup(range, Membership.ofVoters(voters)).join();
            }
            ClientApi api = ClientApi.start(config, node, store, ranges);
            LOG.info(
                    "node {} serves clients on {} and peers on {}, data in {}",
                    config.nodeId(),
                    api.address(),
                    config.peerListenAddress(),
                    config.dataDir());
            return new KvServer(config, store, node, api);
        } catch (IOException | RuntimeException e) {
            node.close();
            store.close();
            throw e;
        }
    }

    private static RaftNode startNode(ServerConfig config, KvStore store) throws IOException {
        LogEngine log = LogEngine.open(LogEngineConfig.defaults(config.dataDir().resolve("log"))
                .withSegmentSizeBytes(config.log().segmentSizeBytes()));
        Map<Long, InetSocketAddress> peers = config.initialCluster().stream()
                .collect(Collectors.toUnmodifiableMap(MemberConfig::id, MemberConfig::peerAddress));
        NettyTransport transport = new NettyTransport(
                TransportConfig.defaults(config.nodeId(), config.clusterId(), config.peerListenAddress()),
                id -> Optional.ofNullable(peers.get(id)));
        RaftTimingConfig timing = config.raft();
        RaftNodeConfig nodeConfig = new RaftNodeConfig(
                RaftConfig.defaults(config.nodeId()).withElectionTicks(timing.electionTicks(), timing.heartbeatTicks()),
                Duration.ofMillis(timing.tickIntervalMs()),
                Duration.ofMillis(timing.requestTimeoutMs()),
                10_000,
                RaftNodeConfig.defaults(config.nodeId()).compactionThresholdEntries());
        return RaftNode.start(nodeConfig, log, transport, store::stateMachine);
    }

    /** Where clients connect (the bound port, when the configuration asked for port 0). */
    public InetSocketAddress clientAddress() {
        return api.address();
    }

    /** The Raft node, for tests and tools that inspect the ranges' state. */
    public RaftNode node() {
        return node;
    }

    @Override
    public void close() {
        api.close();
        node.close();
        store.close();
        LOG.info("node {} stopped", config.nodeId());
    }
}
