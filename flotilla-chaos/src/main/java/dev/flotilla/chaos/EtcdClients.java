package dev.flotilla.chaos;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.etcd.etcdserverpb.Compare;
import dev.flotilla.kv.etcd.etcdserverpb.HashKVRequest;
import dev.flotilla.kv.etcd.etcdserverpb.HashKVResponse;
import dev.flotilla.kv.etcd.etcdserverpb.KVGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.MaintenanceGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.PutRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RequestOp;
import dev.flotilla.kv.etcd.etcdserverpb.StatusRequest;
import dev.flotilla.kv.etcd.etcdserverpb.StatusResponse;
import dev.flotilla.kv.etcd.etcdserverpb.TxnRequest;
import dev.flotilla.kv.etcd.mvccpb.KeyValue;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The etcd v3 calls a chaos run makes, on one gRPC channel per node. Every call has a deadline; failures are the
 * {@link StatusRuntimeException} gRPC raises. Values are decimal integers stored as text. Thread-safe.
 */
final class EtcdClients implements AutoCloseable {
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final Duration deadline;

    EtcdClients(List<InetSocketAddress> nodes, Duration deadline) {
        this.deadline = deadline;
        for (InetSocketAddress node : nodes) {
            channels.add(NettyChannelBuilder.forAddress(node.getHostString(), node.getPort())
                    .usePlaintext()
                    .build());
        }
    }

    int nodes() {
        return channels.size();
    }

    /** A linearizable Range of one key: its value, or empty when the key is absent. */
    Optional<Long> read(int node, String key) {
        List<KeyValue> kvs = kv(node).range(
                        RangeRequest.newBuilder().setKey(bytes(key)).build())
                .getKvsList();
        return kvs.stream().findFirst().map(kv -> Long.parseLong(kv.getValue().toStringUtf8()));
    }

    void write(int node, String key, long value) {
        kv(node).put(PutRequest.newBuilder()
                .setKey(bytes(key))
                .setValue(bytes(Long.toString(value)))
                .build());
    }

    /** A Txn that puts {@code next} if the key's value is {@code expected}; true when it did. */
    boolean cas(int node, String key, long expected, long next) {
        return kv(node).txn(TxnRequest.newBuilder()
                        .addCompare(Compare.newBuilder()
                                .setKey(bytes(key))
                                .setTarget(Compare.CompareTarget.VALUE)
                                .setResult(Compare.CompareResult.EQUAL)
                                .setValue(bytes(Long.toString(expected))))
                        .addSuccess(RequestOp.newBuilder()
                                .setRequestPut(PutRequest.newBuilder()
                                        .setKey(bytes(key))
                                        .setValue(bytes(Long.toString(next)))))
                        .build())
                .getSucceeded();
    }

    StatusResponse status(int node) {
        return MaintenanceGrpc.newBlockingStub(channel(node))
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .status(StatusRequest.getDefaultInstance());
    }

    /** The checksum of the node's first range at its latest revision. */
    HashKVResponse hashKv(int node) {
        return MaintenanceGrpc.newBlockingStub(channel(node))
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .hashKV(HashKVRequest.getDefaultInstance());
    }

    /** The leader as the node with the highest term that names one reports it; empty if none answers with one. */
    Optional<Integer> leader() {
        long bestTerm = -1;
        Optional<Integer> leader = Optional.empty();
        for (int node = 1; node <= nodes(); node++) {
            try {
                StatusResponse status = status(node);
                if (status.getLeader() != 0 && status.getRaftTerm() > bestTerm) {
                    bestTerm = status.getRaftTerm();
                    leader = Optional.of((int) status.getLeader());
                }
            } catch (StatusRuntimeException e) {
                // Down, paused or cut off: ask the others.
            }
        }
        return leader;
    }

    private KVGrpc.KVBlockingStub kv(int node) {
        return KVGrpc.newBlockingStub(channel(node)).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    private ManagedChannel channel(int node) {
        return channels.get(node - 1);
    }

    private static ByteString bytes(String text) {
        return ByteString.copyFromUtf8(text);
    }

    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
    }
}
