package dev.flotilla.bench.runtime;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.TimeDuration;

/**
 * Three Apache Ratis servers (gRPC on loopback, segmented log on disk), each hosting every group as one of its
 * divisions, with {@link NoopRatisStateMachine}: the peer {@code flotilla bench raft --system ratis} measures.
 */
final class RatisCluster implements ClusterUnderTest {
    private final List<RaftServer> servers = new ArrayList<>();
    private final AtomicReferenceArray<RaftServer> leaders;

    private RatisCluster(int groups) {
        leaders = new AtomicReferenceArray<>(groups + 1);
    }

    /** Starts the servers with their storage under {@code root}, adds the groups and waits until each has a leader. */
    static RatisCluster start(Path root, int groups, PrintWriter err) throws IOException, InterruptedException {
        List<RaftPeer> peers = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        for (int id = 1; id <= NODES; id++) {
            ports.add(LoopbackPorts.free());
            peers.add(RaftPeer.newBuilder()
                    .setId("n" + id)
                    .setAddress("127.0.0.1:" + ports.get(id - 1))
                    .build());
        }
        RatisCluster cluster = new RatisCluster(groups);
        try {
            for (int i = 0; i < peers.size(); i++) {
                RaftPeerId id = peers.get(i).getId();
                RaftServer server = RaftServer.newBuilder()
                        .setServerId(id)
                        .setStateMachineRegistry(group -> new NoopRatisStateMachine())
                        .setProperties(serverProperties(root.resolve("ratis-" + id), ports.get(i)))
                        .build();
                server.start();
                cluster.servers.add(server);
            }
            List<CompletableFuture<RaftClientReply>> added = new ArrayList<>();
            long callId = 0;
            for (long g = 1; g <= groups; g++) {
                RaftGroup group = RaftGroup.valueOf(groupId(g), peers);
                for (RaftServer server : cluster.servers) {
                    added.add(server.groupManagementAsync(
                            GroupManagementRequest.newAdd(ClientId.randomId(), server.getId(), ++callId, group)));
                }
            }
            for (CompletableFuture<RaftClientReply> reply : added) {
                if (!reply.join().isSuccess()) {
                    throw new IllegalStateException("adding a group failed: " + reply.join());
                }
            }
            err.printf("started %d Ratis servers with %d groups; waiting for leaders%n", peers.size(), groups);
            if (ForkJoinPool.getCommonPoolParallelism() < 2) {
                err.printf(
                        "warning: the common pool has %d thread, so Ratis starts a thread per async task;"
                                + " run with -D%s=2 for a fair comparison%n",
                        ForkJoinPool.getCommonPoolParallelism(), RaftBenchCommand.COMMON_POOL_PARALLELISM);
            }
            cluster.awaitLeaders();
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * Ratis's defaults, except for storage, port and election timeout. The settings that make the durability equal are
     * spelled out even where they are the defaults, so that a change of default cannot silently turn fsync off: an
     * entry counts towards the commit index only once the server's log worker has written it and called {@code
     * FileChannel.force} on it, as in Flotilla, where an entry counts only once its log batch is fdatasync'ed.
     */
    private static RaftProperties serverProperties(Path storage, int port) {
        RaftProperties properties = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(properties, List.of(storage.toFile()));
        GrpcConfigKeys.Server.setPort(properties, port);
        // The log lives on disk, not in memory.
        RaftServerConfigKeys.Log.setUseMemory(properties, false);
        // The flush index advances only after the force, never before it.
        RaftServerConfigKeys.Log.setUnsafeFlushEnabled(properties, false);
        // Elections after 1-2 s without a leader, as Flotilla's default of 10-20 ticks of 100 ms. Ratis's own default
        // (150-300 ms) makes its leaders step down whenever a loaded 2-core machine stalls the process that long.
        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, TimeDuration.ONE_SECOND);
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, TimeDuration.valueOf(2, TimeUnit.SECONDS));
        return properties;
    }

    private static RaftGroupId groupId(long group) {
        return RaftGroupId.valueOf(new UUID(0, group));
    }

    private void awaitLeaders() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int g = 1; g < leaders.length(); g++) {
            while (leaders.get(g) == null) {
                findLeader(g, true);
                if (leaders.get(g) == null) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("group " + g + " elected no leader within 60 s");
                    }
                    Thread.sleep(5);
                }
            }
        }
    }

    /** Remembers which server leads {@code group}, if one does (and, if {@code ready}, has committed in its term). */
    private void findLeader(int group, boolean ready) {
        for (RaftServer server : servers) {
            try {
                DivisionInfo info = server.getDivision(groupId(group)).getInfo();
                if (ready ? info.isLeaderReady() : info.isLeader()) {
                    leaders.set(group, server);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * A client that submits straight to the leader's server object, as Flotilla's clients call the leader's node: a
     * write request with the client's own id and consecutive call ids (Ratis keys its retry cache on the pair).
     */
    @Override
    public Proposer newClient(long group) {
        RaftGroupId groupId = groupId(group);
        ClientId clientId = ClientId.randomId();
        AtomicLong callIds = new AtomicLong();
        return command -> {
            RaftServer leader = leaders.get((int) group);
            RaftClientRequest request = RaftClientRequest.newBuilder()
                    .setClientId(clientId)
                    .setServerId(leader.getId())
                    .setGroupId(groupId)
                    .setCallId(callIds.incrementAndGet())
                    .setMessage(Message.valueOf(UnsafeByteOperations.unsafeWrap(command)))
                    .setType(RaftClientRequest.writeRequestType())
                    .build();
            try {
                return leader.submitClientRequestAsync(request).thenApply(reply -> {
                    if (!reply.isSuccess()) {
                        findLeader((int) group, false);
                        throw new CompletionException(reply.getException());
                    }
                    return reply;
                });
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
        };
    }

    @Override
    public void close() {
        IOException failure = null;
        for (RaftServer server : servers) {
            try {
                server.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw new UncheckedIOException("closing a Ratis server failed", failure);
        }
    }
}
