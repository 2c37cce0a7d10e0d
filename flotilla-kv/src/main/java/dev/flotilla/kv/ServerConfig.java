package dev.flotilla.kv;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one Flotilla server needs; the config file (docs/kv-server.md) maps onto it one to one.
 *
 * @param nodeId this node's id; must be one of {@code initialCluster}
 * @param clusterId shared by every node of the cluster; nodes of different clusters refuse each other's messages
 * @param dataDir holds the Raft log ({@code log/}) and the RocksDB store ({@code kv/})
 * @param peerListenAddress where this node listens for other nodes
 * @param clientListenAddress where this node listens for clients
 * @param initialCluster the members the cluster starts with (the same list on every node)
 * @param initialCluster the members the cluster starts with (the same list on every node); a node that joins a
 *     running cluster lists the members it can reach to join, itself included
 * @param ranges how the key space is cut into ranges (the same on every node, from the first start on)
 * @param initialClusterState whether this node starts a new cluster or joins a running one
 * @param metricsListenAddress where this node serves its Prometheus metrics over HTTP; empty: not served
 * @param snapshots log compaction and the snapshot server of the ranges
 * @param unsafeTestFault a bug planted for tests ({@link UnsafeTestFault#NONE} unless a test asks for one)
 * @param auth token lifetime and password hashing
 * @param clientTls TLS on the client port; empty: plain text
 */
public record ServerConfig(
        long nodeId,
        long clusterId,
        Path dataDir,
        InetSocketAddress peerListenAddress,
        InetSocketAddress clientListenAddress,
        List<MemberConfig> initialCluster,
        RaftTimingConfig raft,
        LogConfig log,
        RocksDbConfig rocksdb,
        LimitsConfig limits,
        RangesConfig ranges,
        ClusterState initialClusterState,
        Optional<InetSocketAddress> metricsListenAddress,
        SnapshotConfig snapshots,
        UnsafeTestFault unsafeTestFault,
        AuthConfig auth,
        Optional<ClientTlsConfig> clientTls) {
    public ServerConfig {
        if (nodeId < 1) {
            throw new IllegalArgumentException("nodeId must be positive, was " + nodeId);
        }
        if (clusterId < 1) {
            throw new IllegalArgumentException("clusterId must be positive, was " + clusterId);
        }
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(peerListenAddress, "peerListenAddress");
        Objects.requireNonNull(clientListenAddress, "clientListenAddress");
        initialCluster = List.copyOf(initialCluster);
        if (initialCluster.stream().map(MemberConfig::id).distinct().count() != initialCluster.size()) {
            throw new IllegalArgumentException("initialCluster names a member id twice");
        }
        if (initialCluster.stream().noneMatch(m -> m.id() == nodeId)) {
            throw new IllegalArgumentException("initialCluster must include this node (nodeId " + nodeId + ")");
        }
        Objects.requireNonNull(raft, "raft");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(rocksdb, "rocksdb");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(ranges, "ranges");
        Objects.requireNonNull(initialClusterState, "initialClusterState");
        Objects.requireNonNull(metricsListenAddress, "metricsListenAddress");
        Objects.requireNonNull(snapshots, "snapshots");
        Objects.requireNonNull(unsafeTestFault, "unsafeTestFault");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(clientTls, "clientTls");
    }

    /** A node of a new cluster that serves no metrics. */
    public ServerConfig(
            long nodeId,
            long clusterId,
            Path dataDir,
            InetSocketAddress peerListenAddress,
            InetSocketAddress clientListenAddress,
            List<MemberConfig> initialCluster,
            RaftTimingConfig raft,
            LogConfig log,
            RocksDbConfig rocksdb,
            LimitsConfig limits) {
        this(
                nodeId,
                clusterId,
                dataDir,
                peerListenAddress,
                clientListenAddress,
                initialCluster,
                raft,
                log,
                rocksdb,
                limits,
                RangesConfig.defaults(),
                ClusterState.NEW,
                Optional.empty(),
                SnapshotConfig.defaults(),
                UnsafeTestFault.NONE,
                AuthConfig.defaults(),
                Optional.empty());
    }

    /** This configuration with TLS on the client port. */
    public ServerConfig withClientTls(ClientTlsConfig tls) {
        return new ServerConfig(
                nodeId,
                clusterId,
                dataDir,
                peerListenAddress,
                clientListenAddress,
                initialCluster,
                raft,
                log,
                rocksdb,
                limits,
                ranges,
                initialClusterState,
                metricsListenAddress,
                snapshots,
                unsafeTestFault,
                auth,
                Optional.of(tls));
    }

    /** The URL scheme of this node's client port: {@code https} with TLS. */
    public String clientScheme() {
        return clientTls.isPresent() ? "https" : "http";
    }

    public Optional<MemberConfig> member(long id) {
        return initialCluster.stream().filter(m -> m.id() == id).findFirst();
    }
}
