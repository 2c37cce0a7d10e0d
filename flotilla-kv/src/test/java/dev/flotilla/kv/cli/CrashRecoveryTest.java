package dev.flotilla.kv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.FreePorts;
import dev.flotilla.kv.etcd.etcdserverpb.HashKVRequest;
import dev.flotilla.kv.etcd.etcdserverpb.KVGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.MaintenanceGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.PutRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.StatusRequest;
import dev.flotilla.kv.etcd.mvccpb.KeyValue;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 of the leader process during writes. The store runs with RocksDB's WAL off, so the killed node loses
 * whatever its memtable held and must rebuild it from the Raft log. Afterwards no acknowledged write is missing and
 * all three replicas hold identical data, versions and revisions included.
 */
class CrashRecoveryTest {
    private static final List<String> JVM = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1");

    @TempDir
    Path dir;

    @Test
    void aKilledLeaderLosesNoAcknowledgedWriteAndReplicasConverge() throws Exception {
        List<Integer> ports = FreePorts.take(6);
        try (DevCluster cluster = new DevCluster(dir, ports.subList(0, 3), ports.subList(3, 6))) {
            cluster.start(JVM);
            Optional<String> problem = cluster.awaitLeader(Duration.ofSeconds(60));
            assertTrue(problem.isEmpty(), problem.orElse(""));
            List<ManagedChannel> channels = new ArrayList<>();
            for (int node = 1; node <= 3; node++) {
                channels.add(NettyChannelBuilder.forTarget(cluster.clientEndpoint(node))
                        .usePlaintext()
                        .build());
            }
            try {
                Map<String, String> acknowledged = new TreeMap<>();
                write(channels, 0, 60, acknowledged);
                int victim = (int) MaintenanceGrpc.newBlockingStub(channels.get(0))
                        .withDeadlineAfter(5, TimeUnit.SECONDS)
                        .status(StatusRequest.getDefaultInstance())
                        .getLeader();
                cluster.kill(victim);
                write(channels, 60, 120, acknowledged);
                cluster.restart(victim, JVM);
                write(channels, 120, 140, acknowledged);

                Map<Integer, List<KeyValue>> replicas = awaitConverged(channels, acknowledged.size());
                List<KeyValue> reference = replicas.get(1);
                assertEquals(acknowledged.size(), reference.size(), "every acknowledged write is there, once");
                for (KeyValue kv : reference) {
                    assertEquals(
                            acknowledged.get(kv.getKey().toStringUtf8()),
                            kv.getValue().toStringUtf8());
                }
                assertEquals(reference, replicas.get(2), "replica 2 differs from replica 1");
                assertEquals(reference, replicas.get(3), "replica 3 differs from replica 1");
                long revision = reference.stream()
                        .mapToLong(KeyValue::getModRevision)
                        .max()
                        .orElseThrow();
                List<Integer> hashes = new ArrayList<>();
                for (ManagedChannel channel : channels) {
                    hashes.add(MaintenanceGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(5, TimeUnit.SECONDS)
                            .hashKV(HashKVRequest.newBuilder()
                                    .setRevision(revision)
                                    .build())
                            .getHash());
                }
                assertEquals(1, hashes.stream().distinct().count(), "per-range checksums differ: " + hashes);
            } finally {
                channels.forEach(ManagedChannel::shutdownNow);
            }
        }
    }

    /** Puts keys [from, to) one at a time, retrying on another node until each is acknowledged. */
    private static void write(List<ManagedChannel> channels, int from, int to, Map<String, String> acknowledged)
            throws InterruptedException {
        int node = 0;
        for (int i = from; i < to; i++) {
            String key = String.format("crash/%04d", i);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    KVGrpc.newBlockingStub(channels.get(node))
                            .withDeadlineAfter(3, TimeUnit.SECONDS)
                            .put(PutRequest.newBuilder()
                                    .setKey(ByteString.copyFromUtf8(key))
                                    .setValue(ByteString.copyFromUtf8("v" + i))
                                    .build());
                    acknowledged.put(key, "v" + i);
                    break;
                } catch (StatusRuntimeException e) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("put " + key + " never succeeded", e);
                    }
                    node = (node + 1) % channels.size();
                    Thread.sleep(50);
                }
            }
        }
    }

    /** Each node's own applied data (serializable reads), once all nodes hold {@code expected} keys. */
    private static Map<Integer, List<KeyValue>> awaitConverged(List<ManagedChannel> channels, int expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Map<Integer, List<KeyValue>> replicas = new TreeMap<>();
        while (System.nanoTime() < deadline) {
            replicas.clear();
            for (int node = 1; node <= channels.size(); node++) {
                try {
                    replicas.put(
                            node,
                            KVGrpc.newBlockingStub(channels.get(node - 1))
                                    .withDeadlineAfter(3, TimeUnit.SECONDS)
                                    .range(RangeRequest.newBuilder()
                                            .setKey(ByteString.copyFromUtf8("crash/"))
                                            .setRangeEnd(ByteString.copyFromUtf8("crash0"))
                                            .setSerializable(true)
                                            .build())
                                    .getKvsList());
                } catch (StatusRuntimeException e) {
                    replicas.put(node, List.of());
                }
            }
            if (replicas.values().stream().allMatch(kvs -> kvs.size() >= expected)
                    && replicas.values().stream().distinct().count() == 1) {
                return replicas;
            }
            Thread.sleep(100);
        }
        return replicas;
    }
}
