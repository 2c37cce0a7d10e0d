package dev.flotilla.kv;

import dev.flotilla.kv.etcd.etcdserverpb.KVGrpc;
import dev.flotilla.raft.Role;
import dev.flotilla.raft.Status;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** Real servers in one JVM on loopback, each with its own data directory; servers can stop and start again. */
public final class LocalCluster implements AutoCloseable {
    public static final long CLUSTER_ID = 42;

    private final Path root;
    private final List<MemberConfig> members = new ArrayList<>();
    private final Map<Long, KvServer> servers = new TreeMap<>();
    private final Map<Long, ManagedChannel> channels = new TreeMap<>();
    private final RaftTimingConfig timing;
    private final RangesConfig ranges;
    private final SnapshotConfig snapshots;

    public LocalCluster(Path root, int size, RaftTimingConfig timing) throws IOException {
        this(root, size, timing, RangesConfig.defaults());
    }

    public LocalCluster(Path root, int size, RaftTimingConfig timing, RangesConfig ranges) throws IOException {
        this(root, size, timing, ranges, SnapshotConfig.defaults());
    }

    public LocalCluster(Path root, int size, RaftTimingConfig timing, RangesConfig ranges, SnapshotConfig snapshots)
            throws IOException {
        this.root = root;
        this.timing = timing;
        this.ranges = ranges;
        this.snapshots = snapshots;
        List<Integer> ports = FreePorts.take(2 * size);
        for (int i = 0; i < size; i++) {
            members.add(new MemberConfig(i + 1, loopback(ports.get(2 * i)), loopback(ports.get(2 * i + 1))));
        }
        for (long id = 1; id <= size; id++) {
            start(id);
        }
    }

    /** Fast ticks, with elections slow enough (0.5–1 s) not to churn on a loaded 2-core machine. */
    public static RaftTimingConfig fastTiming() {
        return new RaftTimingConfig(20, 25, 2, 3000);
    }

    /** Ports for one more member, which the cluster does not know yet (add it with MemberAdd). */
    MemberConfig reserveMember() throws IOException {
        List<Integer> ports = FreePorts.take(2);
        MemberConfig member = new MemberConfig(members.size() + 1, loopback(ports.get(0)), loopback(ports.get(1)));
        members.add(member);
        return member;
    }

    /** Starts a member added with MemberAdd: it joins the running cluster. Every node serves metrics on a free port. */
    void startJoining(long id) throws IOException {
        ServerConfig base = config(id);
        servers.put(
                id,
                KvServer.start(new ServerConfig(
                        base.nodeId(),
                        base.clusterId(),
                        base.dataDir(),
                        base.peerListenAddress(),
                        base.clientListenAddress(),
                        base.initialCluster(),
                        base.raft(),
                        base.log(),
                        base.rocksdb(),
                        base.limits(),
                        base.ranges(),
                        ClusterState.EXISTING,
                        Optional.empty(),
                        base.snapshots(),
                        UnsafeTestFault.NONE,
                        base.auth(),
                        base.clientTls())));
    }

    public ServerConfig config(long id) {
        MemberConfig self = members.get((int) id - 1);
        return new ServerConfig(
                id,
                CLUSTER_ID,
                root.resolve("node-" + id),
                self.peerAddress(),
                self.clientAddress(),
                members,
                timing,
                LogConfig.defaults(),
                new RocksDbConfig(4 << 20, 8 << 20),
                new LimitsConfig(64 * 1024, 16),
                ranges,
                ClusterState.NEW,
                Optional.of(loopback(0)),
                snapshots,
                UnsafeTestFault.NONE,
                AuthConfig.defaults(),
                Optional.empty());
    }

    void start(long id) throws IOException {
        servers.put(id, KvServer.start(config(id)));
    }

    void stop(long id) {
        servers.remove(id).close();
    }

    public KvServer server(long id) {
        return servers.get(id);
    }

    /** A blocking KV client of node {@code id}, with a deadline per call. */
    public KVGrpc.KVBlockingStub kv(long id) {
        return KVGrpc.newBlockingStub(channel(id)).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    public ManagedChannel channel(long id) {
        return channels.computeIfAbsent(id, i -> NettyChannelBuilder.forAddress(
                        members.get((int) (long) i - 1).clientAddress())
                .usePlaintext()
                .build());
    }

    /** The node that leads the first range, once one does and every running node knows it. */
    public long awaitLeader() throws InterruptedException {
        return awaitLeader(RangeMap.FIRST_RANGE);
    }

    /** The node that leads {@code range}, once one does and every running node knows it. */
    public long awaitLeader(long range) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Set<Long> known = new HashSet<>();
            long leader = 0;
            for (Map.Entry<Long, KvServer> e : servers.entrySet()) {
                var status = e.getValue().node().status(range).join();
                known.add(status.map(Status::leader).orElse(0L));
                if (status.isPresent() && status.get().role() == Role.LEADER) {
                    leader = e.getKey();
                }
            }
            if (leader != 0 && known.equals(Set.of(leader))) {
                return leader;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no leader known to every node within 10 s");
    }

    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        for (long id : List.copyOf(servers.keySet())) {
            stop(id);
        }
    }
}
