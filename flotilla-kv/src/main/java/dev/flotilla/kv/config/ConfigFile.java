package dev.flotilla.kv.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flotilla.kv.AuthConfig;
import dev.flotilla.kv.ClientTlsConfig;
import dev.flotilla.kv.ClusterState;
import dev.flotilla.kv.LimitsConfig;
import dev.flotilla.kv.LogConfig;
import dev.flotilla.kv.MemberConfig;
import dev.flotilla.kv.RaftTimingConfig;
import dev.flotilla.kv.RangesConfig;
import dev.flotilla.kv.RocksDbConfig;
import dev.flotilla.kv.ServerConfig;
import dev.flotilla.kv.SnapshotConfig;
import dev.flotilla.kv.UnsafeTestFault;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a server's YAML config file into a {@link ServerConfig}, one field per record component (docs/kv-server.md,
 * "Config file"). Overrides (from command-line flags) replace fields by dotted path before the file is read, so they
 * are checked exactly like the file.
 */
public final class ConfigFile {
    private static final YAMLMapper YAML = new YAMLMapper();

    private ConfigFile() {}

    /** Parses {@code yaml} (may be empty) with {@code overrides} (dotted path to value) applied. */
    public static ServerConfig parse(String yaml, Map<String, String> overrides) {
        ObjectNode root = tree(yaml);
        overrides.forEach((path, value) -> set(root, path, value));
        return read(new Section(root, ""));
    }

    private static ObjectNode tree(String yaml) {
        if (yaml.isBlank()) {
            return YAML.createObjectNode();
        }
        try {
            JsonNode node = YAML.readTree(yaml);
            if (node == null || node.isMissingNode() || node.isNull()) {
                return YAML.createObjectNode();
            }
            if (!(node instanceof ObjectNode object)) {
                throw new ConfigException("config file: the top level must be a mapping of fields");
            }
            return object;
        } catch (JacksonException e) {
            throw new ConfigException("config file is not valid YAML: " + e.getOriginalMessage(), e);
        }
    }

    private static void set(ObjectNode root, String path, String value) {
        String[] parts = path.split("\\.", -1);
        if (Arrays.stream(parts).anyMatch(String::isEmpty)) {
            throw new ConfigException(
                    "override '" + path + "': a field path is names joined by dots, as in raft.election-ticks");
        }
        ObjectNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            node = child instanceof ObjectNode object ? object : node.putObject(parts[i]);
        }
        node.put(parts[parts.length - 1], value);
    }

    private static ServerConfig read(Section file) {
        long nodeId = file.requiredLong("node-id");
        long clusterId = file.longOr("cluster-id", 1);
        Path dataDir = Path.of(file.requiredString("data-dir"));
        List<MemberConfig> members =
                file.list("initial-cluster").stream().map(ConfigFile::member).toList();
        MemberConfig self = members.stream()
                .filter(m -> m.id() == nodeId)
                .findFirst()
                .orElseThrow(() -> file.error("initial-cluster", "must include this node (node-id " + nodeId + ")"));
        InetSocketAddress peer = file.address("peer-listen-address").orElse(self.peerAddress());
        InetSocketAddress client = file.address("client-listen-address").orElse(self.clientAddress());
        RaftTimingConfig raft = file.section("raft").map(ConfigFile::raft).orElse(RaftTimingConfig.defaults());
        LogConfig log = file.section("log").map(ConfigFile::log).orElse(LogConfig.defaults());
        RocksDbConfig rocksdb = file.section("rocksdb").map(ConfigFile::rocksdb).orElse(RocksDbConfig.defaults());
        LimitsConfig limits = file.section("limits").map(ConfigFile::limits).orElse(LimitsConfig.defaults());
        RangesConfig ranges = file.section("ranges").map(ConfigFile::ranges).orElse(RangesConfig.defaults());
        ClusterState state = clusterState(file);
        Optional<InetSocketAddress> metrics = file.address("metrics-listen-address");
        SnapshotConfig snapshots =
                file.section("snapshots").map(ConfigFile::snapshots).orElse(SnapshotConfig.defaults());
        UnsafeTestFault fault = unsafeTestFault(file);
        AuthConfig auth = file.section("auth").map(ConfigFile::auth).orElse(AuthConfig.defaults());
        Optional<ClientTlsConfig> tls =
                file.section("client-transport-security").map(ConfigFile::clientTls);
        return file.build(() -> new ServerConfig(
                nodeId, clusterId, dataDir, peer, client, members, raft, log, rocksdb, limits, ranges, state, metrics,
                snapshots, fault, auth, tls));
    }

    private static UnsafeTestFault unsafeTestFault(Section file) {
        String name = file.string("unsafe-test-fault").orElse(UnsafeTestFault.NONE.configName());
        return UnsafeTestFault.named(name)
                .orElseThrow(() -> file.error(
                        "unsafe-test-fault",
                        "must be one of "
                                + Arrays.stream(UnsafeTestFault.values())
                                        .map(UnsafeTestFault::configName)
                                        .toList()
                                + ", was '" + name + "'"));
    }

    private static AuthConfig auth(Section s) {
        AuthConfig d = AuthConfig.defaults();
        long ttl = s.longOr("token-ttl-seconds", d.tokenTtlSeconds());
        int iterations = s.intOr("password-hash-iterations", d.passwordHashIterations());
        return s.build(() -> new AuthConfig(ttl, iterations));
    }

    private static ClientTlsConfig clientTls(Section s) {
        Path cert = Path.of(s.requiredString("cert-file"));
        Path key = Path.of(s.requiredString("key-file"));
        Optional<Path> ca = s.string("trusted-ca-file").map(Path::of);
        boolean clientCertAuth = s.booleanOr("client-cert-auth", false);
        return s.build(() -> new ClientTlsConfig(cert, key, ca, clientCertAuth));
    }

    private static ClusterState clusterState(Section file) {
        String state = file.string("initial-cluster-state").orElse("new");
        return switch (state) {
            case "new" -> ClusterState.NEW;
            case "existing" -> ClusterState.EXISTING;
            default -> throw file.error("initial-cluster-state", "must be 'new' or 'existing', was '" + state + "'");
        };
    }

    private static MemberConfig member(Section s) {
        long id = s.requiredLong("id");
        InetSocketAddress peer = s.requiredAddress("peer-address");
        InetSocketAddress client = s.requiredAddress("client-address");
        return s.build(() -> new MemberConfig(id, peer, client));
    }

    private static RaftTimingConfig raft(Section s) {
        RaftTimingConfig d = RaftTimingConfig.defaults();
        long tick = s.longOr("tick-interval-ms", d.tickIntervalMs());
        int election = s.intOr("election-ticks", d.electionTicks());
        int heartbeat = s.intOr("heartbeat-ticks", d.heartbeatTicks());
        long timeout = s.longOr("request-timeout-ms", d.requestTimeoutMs());
        return s.build(() -> new RaftTimingConfig(tick, election, heartbeat, timeout));
    }

    private static LogConfig log(Section s) {
        long segment = s.longOr("segment-size-bytes", LogConfig.defaults().segmentSizeBytes());
        return s.build(() -> new LogConfig(segment));
    }

    private static RocksDbConfig rocksdb(Section s) {
        RocksDbConfig d = RocksDbConfig.defaults();
        long writeBuffer = s.longOr("write-buffer-size-bytes", d.writeBufferSizeBytes());
        long cache = s.longOr("block-cache-size-bytes", d.blockCacheSizeBytes());
        long snapshotFile = s.longOr("snapshot-file-bytes", d.snapshotFileBytes());
        return s.build(() -> new RocksDbConfig(writeBuffer, cache, snapshotFile));
    }

    private static SnapshotConfig snapshots(Section s) {
        Optional<InetSocketAddress> listen = s.address("listen-address");
        long threshold = s.longOr(
                "compaction-threshold-entries", SnapshotConfig.defaults().compactionThresholdEntries());
        return s.build(() -> new SnapshotConfig(listen, threshold));
    }

    private static RangesConfig ranges(Section s) {
        List<String> splitKeys = s.stringList("split-keys");
        return s.build(() -> new RangesConfig(splitKeys));
    }

    private static LimitsConfig limits(Section s) {
        LimitsConfig d = LimitsConfig.defaults();
        int requestBytes = s.intOr("max-request-bytes", d.maxRequestBytes());
        int txnOps = s.intOr("max-txn-ops", d.maxTxnOps());
        return s.build(() -> new LimitsConfig(requestBytes, txnOps));
    }
}
