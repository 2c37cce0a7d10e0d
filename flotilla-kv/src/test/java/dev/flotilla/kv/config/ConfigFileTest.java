package dev.flotilla.kv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flotilla.kv.AuthConfig;
import dev.flotilla.kv.ClientTlsConfig;
import dev.flotilla.kv.ClusterState;
import dev.flotilla.kv.LimitsConfig;
import dev.flotilla.kv.ServerConfig;
import dev.flotilla.kv.SnapshotConfig;
import dev.flotilla.kv.UnsafeTestFault;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigFileTest {
    static final String MINIMAL = """
            node-id: 2
            data-dir: data/node-2
            initial-cluster:
              - id: 1
                peer-address: 127.0.0.1:2380
                client-address: 127.0.0.1:2379
              - id: 2
                peer-address: 127.0.0.1:22380
                client-address: 127.0.0.1:22379
            """;

    @Test
    void aMinimalFileGetsDefaultsAndListensOnItsOwnMemberAddresses() {
        ServerConfig config = ConfigFile.parse(MINIMAL, Map.of());
        assertEquals(2, config.nodeId());
        assertEquals(1, config.clusterId());
        assertEquals(Path.of("data/node-2"), config.dataDir());
        assertEquals(22380, config.peerListenAddress().getPort());
        assertEquals(22379, config.clientListenAddress().getPort());
        assertEquals(2, config.initialCluster().size());
        assertEquals(LimitsConfig.defaults(), config.limits());
        assertEquals(ClusterState.NEW, config.initialClusterState());
        assertEquals(Optional.empty(), config.metricsListenAddress());
    }

    @Test
    void aJoiningNodeSaysSoAndMetricsGetAnAddress() {
        ServerConfig config = ConfigFile.parse(
                MINIMAL + "initial-cluster-state: existing\nmetrics-listen-address: 127.0.0.1:2381\n", Map.of());
        assertEquals(ClusterState.EXISTING, config.initialClusterState());
        assertEquals(2381, config.metricsListenAddress().orElseThrow().getPort());
        assertError(
                "config field 'initial-cluster-state': must be 'new' or 'existing', was 'joining'",
                MINIMAL + "initial-cluster-state: joining\n",
                Map.of());
    }

    @Test
    void theTestOnlyFaultIsOffUnlessNamedAndUnknownNamesAreRefused() {
        assertEquals(UnsafeTestFault.NONE, ConfigFile.parse(MINIMAL, Map.of()).unsafeTestFault());
        assertEquals(
                UnsafeTestFault.STALE_READS,
                ConfigFile.parse(MINIMAL + "unsafe-test-fault: stale-reads\n", Map.of())
                        .unsafeTestFault());
        assertError(
                "config field 'unsafe-test-fault': must be one of [none, stale-reads], was 'slow'",
                MINIMAL + "unsafe-test-fault: slow\n",
                Map.of());
    }

    @Test
    void authAndClientTlsMapOntoTheirRecordsAndRefuseWhatCannotWork() {
        ServerConfig config = ConfigFile.parse(MINIMAL + """
                auth:
                  token-ttl-seconds: 60
                  password-hash-iterations: 50000
                client-transport-security:
                  cert-file: certs/server.crt
                  key-file: certs/server.key
                  trusted-ca-file: certs/ca.crt
                  client-cert-auth: true
                """, Map.of());
        assertEquals(new AuthConfig(60, 50_000), config.auth());
        assertEquals(
                Optional.of(new ClientTlsConfig(
                        Path.of("certs/server.crt"),
                        Path.of("certs/server.key"),
                        Optional.of(Path.of("certs/ca.crt")),
                        true)),
                config.clientTls());
        assertEquals("https", config.clientScheme());
        assertEquals(AuthConfig.defaults(), ConfigFile.parse(MINIMAL, Map.of()).auth());
        assertEquals(Optional.empty(), ConfigFile.parse(MINIMAL, Map.of()).clientTls());
        String tls = "client-transport-security:\n  cert-file: a.crt\n  key-file: a.key\n";
        assertError(
                "config field 'client-transport-security.client-cert-auth': needs a trustedCaFile to check client"
                        + " certificates with",
                MINIMAL + tls + "  client-cert-auth: true\n",
                Map.of());
        assertError(
                "config field 'client-transport-security.client-cert-auth': must be true or false, was 'yes please'",
                MINIMAL + tls + "  client-cert-auth: yes please\n",
                Map.of());
        assertError(
                "config field 'client-transport-security.key-file': is required",
                MINIMAL + "client-transport-security:\n  cert-file: a.crt\n",
                Map.of());
        assertError(
                "config field 'auth.password-hash-iterations': must be at least 10000, was 1000",
                MINIMAL,
                Map.of("auth.password-hash-iterations", "1000"));
        assertEquals(
                true,
                ConfigFile.parse(
                                MINIMAL + tls + "  trusted-ca-file: ca.crt\n",
                                Map.of("client-transport-security.client-cert-auth", "true"))
                        .clientTls()
                        .orElseThrow()
                        .clientCertAuth());
    }

    @Test
    void everySectionMapsOntoItsRecord() {
        ServerConfig config = ConfigFile.parse(MINIMAL + """
                cluster-id: 9
                raft:
                  tick-interval-ms: 50
                  election-ticks: 20
                  heartbeat-ticks: 2
                  request-timeout-ms: 3000
                log:
                  segment-size-bytes: 8388608
                rocksdb:
                  write-buffer-size-bytes: 16777216
                  block-cache-size-bytes: 0
                limits:
                  max-request-bytes: 4096
                  max-txn-ops: 8
                """, Map.of());
        assertEquals(9, config.clusterId());
        assertEquals(50, config.raft().tickIntervalMs());
        assertEquals(20, config.raft().electionTicks());
        assertEquals(8 << 20, config.log().segmentSizeBytes());
        assertEquals(16 << 20, config.rocksdb().writeBufferSizeBytes());
        assertEquals(new LimitsConfig(4096, 8), config.limits());
    }

    @Test
    void snapshotsGetTheirServerAddressThresholdAndFileSize() {
        ServerConfig defaults = ConfigFile.parse(MINIMAL, Map.of());
        assertEquals(SnapshotConfig.defaults(), defaults.snapshots());
        assertEquals(
                new InetSocketAddress("127.0.0.1", 0),
                defaults.snapshots()
                        .listenAddress(defaults.member(2).orElseThrow().peerAddress()));
        ServerConfig config = ConfigFile.parse(MINIMAL + """
                snapshots:
                  listen-address: 127.0.0.1:22382
                  compaction-threshold-entries: 500
                rocksdb:
                  snapshot-file-bytes: 8388608
                """, Map.of());
        assertEquals(
                22382,
                config.snapshots()
                        .listenAddress(config.member(2).orElseThrow().peerAddress())
                        .getPort());
        assertEquals(500, config.snapshots().compactionThresholdEntries());
        assertEquals(8 << 20, config.rocksdb().snapshotFileBytes());
        assertError(
                "config field 'snapshots.compaction-threshold-entries': must be positive, was 0",
                MINIMAL + "snapshots:\n  compaction-threshold-entries: 0\n",
                Map.of());
        assertError(
                "config field 'snapshots.listen-address': must be host:port, was 'nowhere'",
                MINIMAL + "snapshots:\n  listen-address: nowhere\n",
                Map.of());
    }

    @Test
    void rangesAreCutAtTheSplitKeys() {
        ServerConfig config = ConfigFile.parse(MINIMAL + """
                ranges:
                  split-keys: ["g", "p"]
                """, Map.of());
        assertEquals(List.of(1L, 2L, 3L), config.ranges().map().rangeIds());
        assertEquals(
                List.of(1L), ConfigFile.parse(MINIMAL, Map.of()).ranges().map().rangeIds());
        assertError(
                "config field 'ranges.split-keys': must be non-empty and strictly ascending, got [p, g]",
                MINIMAL + """
                ranges:
                  split-keys: ["p", "g"]
                """,
                Map.of());
        assertError("config field 'ranges.split-keys[0]': must be a string", MINIMAL + """
                ranges:
                  split-keys: [[1]]
                """, Map.of());
    }

    @Test
    void overridesReplaceFileFieldsAndAreCheckedTheSameWay() {
        ServerConfig config = ConfigFile.parse(
                MINIMAL, Map.of("node-id", "1", "raft.tick-interval-ms", "25", "data-dir", "elsewhere"));
        assertEquals(1, config.nodeId());
        assertEquals(25, config.raft().tickIntervalMs());
        assertEquals(Path.of("elsewhere"), config.dataDir());
        assertError("config field 'node-id': must be an integer, was 'two'", MINIMAL, Map.of("node-id", "two"));
        assertError(
                "override 'raft.': a field path is names joined by dots, as in raft.election-ticks",
                MINIMAL,
                Map.of("raft.", "25"));
    }

    @Test
    void badFieldsAreNamedByTheirPathInTheFile() {
        assertError("config field 'raft.tick-interval-ms': must be positive, was 0", MINIMAL + """
                raft:
                  tick-interval-ms: 0
                """, Map.of());
        assertError("config field 'raft.tick-ms': unknown field", MINIMAL + """
                raft:
                  tick-ms: 10
                """, Map.of());
        assertError(
                "config field 'initial-cluster[1].peer-address': must be host:port, was 'nowhere'",
                MINIMAL.replace("127.0.0.1:22380", "nowhere"),
                Map.of());
        assertError("config field 'node-id': is required", MINIMAL.replace("node-id: 2\n", ""), Map.of());
        assertError(
                "config field 'initial-cluster': must include this node (node-id 3)", MINIMAL, Map.of("node-id", "3"));
        assertError("config field 'limits.max-txn-ops': must be positive, was 0", MINIMAL + """
                limits:
                  max-txn-ops: 0
                """, Map.of());
        assertError("config field 'data-dirr': unknown field", MINIMAL + "data-dirr: x\n", Map.of());
    }

    private static void assertError(String expected, String yaml, Map<String, String> overrides) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.parse(yaml, overrides));
        assertEquals(expected, e.getMessage());
    }
}
