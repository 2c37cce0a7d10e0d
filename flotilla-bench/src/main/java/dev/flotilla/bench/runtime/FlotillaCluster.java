package dev.flotilla.bench.runtime;

import dev.flotilla.log.LogEngine;
import dev.flotilla.log.LogEngineConfig;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.Role;
import dev.flotilla.runtime.RaftNode;
import dev.flotilla.runtime.RaftNodeConfig;
import dev.flotilla.transport.PeerStats;
import dev.flotilla.transport.TransportConfig;
import dev.flotilla.transport.netty.NettyTransport;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Three Flotilla nodes, each with its own log engine and Netty transport on loopback, hosting the same groups. */
final class FlotillaCluster implements ClusterUnderTest {
    private static final long CLUSTER_ID = 1;

    private final List<RaftNode> nodes = new ArrayList<>();
    private final List<NettyTransport> transports = new ArrayList<>();
    private final RaftNode[] leaders;

    private FlotillaCluster(int groups) {
        leaders = new RaftNode[groups + 1];
    }

    /** Starts the nodes with their logs under {@code root}, creates the groups and waits until each has a leader. */
    static FlotillaCluster start(Path root, int groups, PrintWriter err) throws IOException, InterruptedException {
        Map<Long, InetSocketAddress> addresses = new HashMap<>();
        for (long id = 1; id <= NODES; id++) {
            addresses.put(id, new InetSocketAddress("127.0.0.1", LoopbackPorts.free()));
        }
        FlotillaCluster cluster = new FlotillaCluster(groups);
        try {
            for (long id = 1; id <= NODES; id++) {
                NettyTransport transport = new NettyTransport(
                        TransportConfig.defaults(id, CLUSTER_ID, addresses.get(id)),
                        node -> Optional.ofNullable(addresses.get(node)));
                cluster.transports.add(transport);
                cluster.nodes.add(RaftNode.start(
                        RaftNodeConfig.defaults(id),
                        LogEngine.open(LogEngineConfig.defaults(root.resolve("node-" + id))),
                        transport,
                        group -> new NoopStateMachine()));
            }
            Membership members = Membership.ofVoters(Set.of(1L, 2L, 3L));
            List<CompletableFuture<Void>> created = new ArrayList<>();
            for (RaftNode node : cluster.nodes) {
                for (long g = 1; g <= groups; g++) {
                    created.add(node.createGroup(g, members));
                }
            }
            created.forEach(CompletableFuture::join);
            err.printf("started %d Flotilla nodes with %d groups; waiting for leaders%n", NODES, groups);
            try {
                cluster.awaitLeaders();
            } finally {
                cluster.transports.forEach(t -> err.println("transport stats: " + t.peerStats()));
            }
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void awaitLeaders() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int g = 1; g < leaders.length; g++) {
            while (leaders[g] == null) {
                for (RaftNode node : nodes) {
                    if (node.status(g).join().map(s -> s.role() == Role.LEADER).orElse(false)) {
                        leaders[g] = node;
                    }
                }
                if (leaders[g] == null) {
                    if (System.nanoTime() > deadline) {
                        StringBuilder seen = new StringBuilder();
                        for (RaftNode node : nodes) {
                            seen.append("\n  ").append(node.status(g).join());
                        }
                        throw new IllegalStateException("group " + g + " elected no leader within 60 s:" + seen);
                    }
                    Thread.sleep(5);
                }
            }
        }
    }

    @Override
    public Proposer newClient(long group) {
        RaftNode leader = leaders[(int) group];
        return command -> leader.propose(group, command);
    }

    /** Messages all nodes have sent to each other so far. */
    long messagesSent() {
        return transports.stream()
                .flatMap(t -> t.peerStats().values().stream())
                .mapToLong(PeerStats::messagesSent)
                .sum();
    }

    @Override
    public void close() {
        nodes.forEach(RaftNode::close);
    }
}
