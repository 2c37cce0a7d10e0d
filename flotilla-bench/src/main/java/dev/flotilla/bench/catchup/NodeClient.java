package dev.flotilla.bench.catchup;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.etcd.etcdserverpb.HashKVRequest;
import dev.flotilla.kv.etcd.etcdserverpb.KVGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.MaintenanceGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeResponse;
import dev.flotilla.kv.etcd.etcdserverpb.StatusRequest;
import dev.flotilla.kv.etcd.etcdserverpb.StatusResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * One server of the benchmark's cluster as a client sees it: its etcd API (each call waits at most {@link
 * #CALL_TIMEOUT}) and, if it serves them, its Prometheus metrics. Calls fail with gRPC's {@code
 * StatusRuntimeException} when the node does not answer. Safe for use from several threads.
 */
final class NodeClient implements AutoCloseable {
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    /** All keys: etcd's {@code key = "\0"}, {@code range_end = "\0"}. */
    private static final ByteString ALL = ByteString.copyFrom(new byte[] {0});

    private final ManagedChannel channel;
    private final Optional<URI> metrics;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(CALL_TIMEOUT).build();

    NodeClient(String clientEndpoint, Optional<String> metricsEndpoint) {
        this.channel = NettyChannelBuilder.forTarget(clientEndpoint)
                .usePlaintext()
                .maxInboundMessageSize(64 << 20)
                .build();
        this.metrics = metricsEndpoint.map(address -> URI.create("http://" + address + "/metrics"));
    }

    ManagedChannel channel() {
        return channel;
    }

    /** etcd's Maintenance {@code Status}: this node's view of the first range (leader, commit, applied, DB size). */
    StatusResponse status() {
        return MaintenanceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .status(StatusRequest.getDefaultInstance());
    }

    /**
     * The number of keys this node holds and the revision it read them at, from its own copy (a serializable read:
     * no leader involved, so a learner that has not caught up shows what it has).
     */
    RangeResponse countLocally() {
        return KVGrpc.newBlockingStub(channel)
                .withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .range(RangeRequest.newBuilder()
                        .setKey(ALL)
                        .setRangeEnd(ALL)
                        .setCountOnly(true)
                        .setSerializable(true)
                        .build());
    }

    /** The checksum of this node's copy of the first range's history up to {@code revision} (etcd's HashKV). */
    int hash(long revision) {
        return MaintenanceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .hashKV(HashKVRequest.newBuilder().setRevision(revision).build())
                .getHash();
    }

    /**
     * The sum of a series' samples on this node's metrics endpoint; empty when the node serves no metrics, does not
     * answer, or does not export the series.
     */
    OptionalDouble metric(String series) throws InterruptedException {
        if (metrics.isEmpty()) {
            return OptionalDouble.empty();
        }
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(metrics.get()).timeout(CALL_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? PrometheusText.sum(response.body(), series) : OptionalDouble.empty();
        } catch (IOException e) {
            return OptionalDouble.empty();
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
