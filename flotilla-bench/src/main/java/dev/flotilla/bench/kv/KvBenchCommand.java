package dev.flotilla.bench.kv;

import com.google.protobuf.ByteString;
import dev.flotilla.bench.LatencyHistogram;
import dev.flotilla.kv.cli.ClientTlsOptions;
import dev.flotilla.kv.etcd.etcdserverpb.Compare;
import dev.flotilla.kv.etcd.etcdserverpb.KVGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseGrantRequest;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseGrantResponse;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseRevokeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.PutRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RequestOp;
import dev.flotilla.kv.etcd.etcdserverpb.TxnRequest;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flotilla bench kv}: a closed-loop load over the etcd v3 API, so the same command measures etcd and
 * Flotilla. Each client keeps one request in flight; the next one leaves from the previous one's callback, on the
 * gRPC event loop, so the generator needs few threads. The last line is a JSON summary, including the generator's own
 * CPU seconds (it should stay well below the machine's capacity, or the generator is the bottleneck).
 */
@Command(
        name = "kv",
        mixinStandardHelpOptions = true,
        description = "Closed-loop put/get/txn/watch/lease load against etcd v3 endpoints (etcd or Flotilla);"
                + " JSON last line.")
public final class KvBenchCommand implements Callable<Integer> {
    enum Op {
        put,
        get,
        txn,
        /** puts by the clients, watched by {@code --watchers} watchers on their prefix */
        watch,
        /** each client grants a lease, then revokes it, in a loop (two ops) */
        lease
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--endpoints", defaultValue = "127.0.0.1:2379", split = ",", description = "host:port,...")
    List<String> endpoints;

    @Mixin
    ClientTlsOptions tls = new ClientTlsOptions();

    @Option(names = "--clients", defaultValue = "16", description = "concurrent requests (default: ${DEFAULT-VALUE})")
    int clients;

    @Option(
            names = "--op",
            defaultValue = "put",
            description = "put, get (linearizable), txn, watch (puts, watched) or lease (grant then revoke)"
                    + " (default: ${DEFAULT-VALUE})")
    Op op;

    @Option(
            names = "--watchers",
            defaultValue = "1000",
            description =
                    "watchers on the written prefix, each on its own stream, for --op watch (default: ${DEFAULT-VALUE})")
    int watchers;

    @Option(names = "--value-bytes", defaultValue = "256", description = "value size (default: ${DEFAULT-VALUE})")
    int valueBytes;

    @Option(names = "--keys", defaultValue = "10000", description = "distinct keys (default: ${DEFAULT-VALUE})")
    int keys;

    @Option(names = "--seconds", defaultValue = "10", description = "measured time (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(
            names = "--warmup-seconds",
            defaultValue = "2",
            description = "unmeasured time first (default: ${DEFAULT-VALUE})")
    double warmupSeconds;

    private volatile boolean measuring;
    private volatile boolean stopping;
    private final AtomicLong errors = new AtomicLong();

    @Override
    public Integer call() throws Exception {
        if (clients < 1 || keys < 1 || valueBytes < 0 || seconds <= 0) {
            spec.commandLine().getErr().println("bench kv: --clients, --keys and --seconds must be positive");
            return 2;
        }
        List<ManagedChannel> channels = new ArrayList<>();
        for (String endpoint : endpoints) {
            channels.add(tls.channel(endpoint).directExecutor().build());
        }
        try {
            ByteString value = ByteString.copyFrom(new byte[valueBytes]);
            if (op == Op.get) {
                preload(KVGrpc.newBlockingStub(channels.get(0)), value);
            }
            Optional<WatchLoad> watch = op == Op.watch
                    ? Optional.of(new WatchLoad(channels, watchers, ByteString.copyFromUtf8("bench/"), () -> measuring))
                    : Optional.empty();
            LatencyHistogram latencies = new LatencyHistogram();
            CountDownLatch stopped = new CountDownLatch(clients);
            for (int c = 0; c < clients; c++) {
                ManagedChannel channel = channels.get(c % channels.size());
                next(new Stubs(KVGrpc.newStub(channel), LeaseGrpc.newStub(channel)), value, latencies, stopped);
            }
            Thread.sleep((long) (warmupSeconds * 1000));
            long cpuBefore = cpuNanos();
            long start = System.nanoTime();
            measuring = true;
            Thread.sleep((long) (seconds * 1000));
            measuring = false;
            double elapsed = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (cpuNanos() - cpuBefore) / 1e9;
            stopping = true;
            stopped.await(30, TimeUnit.SECONDS);
            watch.ifPresent(WatchLoad::close);
            report(latencies, elapsed, cpuSeconds, watch);
            return 0;
        } finally {
            channels.forEach(ManagedChannel::shutdownNow);
        }
    }

    private void preload(KVGrpc.KVBlockingStub stub, ByteString value) {
        for (int k = 0; k < keys; k++) {
            stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                    .put(PutRequest.newBuilder().setKey(key(k)).setValue(value).build());
        }
    }

    /** One client's stubs; all on one channel. */
    private record Stubs(KVGrpc.KVStub kv, LeaseGrpc.LeaseStub lease) {}

    private void next(Stubs stubs, ByteString value, LatencyHistogram latencies, CountDownLatch stopped) {
        if (stopping) {
            stopped.countDown();
            return;
        }
        ByteString key = key(ThreadLocalRandom.current().nextInt(keys));
        long started = System.nanoTime();
        boolean measured = measuring;
        StreamObserver<Object> done = new StreamObserver<>() {
            @Override
            public void onNext(Object response) {
                if (measured && measuring) {
                    latencies.record((System.nanoTime() - started) / 1000);
                }
            }

            @Override
            public void onError(Throwable failure) {
                if (measured && measuring) {
                    errors.incrementAndGet();
                }
                next(stubs, value, latencies, stopped);
            }

            @Override
            public void onCompleted() {
                next(stubs, value, latencies, stopped);
            }
        };
        KVGrpc.KVStub stub = stubs.kv();
        switch (op) {
            case put ->
                stub.put(PutRequest.newBuilder().setKey(key).setValue(value).build(), observer(done));
            case watch ->
                stub.put(
                        PutRequest.newBuilder()
                                .setKey(key)
                                .setValue(WatchLoad.stamp(valueBytes))
                                .build(),
                        observer(done));
            case lease -> grantThenRevoke(stubs.lease(), latencies, done);
            case get -> stub.range(RangeRequest.newBuilder().setKey(key).build(), observer(done));
            case txn ->
                stub.txn(
                        TxnRequest.newBuilder()
                                .addCompare(Compare.newBuilder()
                                        .setKey(key)
                                        .setTarget(Compare.CompareTarget.VERSION)
                                        .setResult(Compare.CompareResult.GREATER)
                                        .setVersion(-1))
                                .addSuccess(RequestOp.newBuilder()
                                        .setRequestPut(PutRequest.newBuilder()
                                                .setKey(key)
                                                .setValue(value)))
                                .build(),
                        observer(done));
        }
    }

    /** A grant, measured as one op, then a revoke of that lease, measured as another; {@code done} follows the revoke. */
    private void grantThenRevoke(LeaseGrpc.LeaseStub lease, LatencyHistogram latencies, StreamObserver<Object> done) {
        long started = System.nanoTime();
        boolean measured = measuring;
        lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build(), new StreamObserver<>() {
            @Override
            public void onNext(LeaseGrantResponse granted) {
                if (measured && measuring) {
                    latencies.record((System.nanoTime() - started) / 1000);
                }
                lease.leaseRevoke(
                        LeaseRevokeRequest.newBuilder().setID(granted.getID()).build(), observer(done));
            }

            @Override
            public void onError(Throwable failure) {
                done.onError(failure);
            }

            @Override
            public void onCompleted() {}
        });
    }

    @SuppressWarnings("unchecked")
    private static <T> StreamObserver<T> observer(StreamObserver<Object> any) {
        return (StreamObserver<T>) (StreamObserver<?>) any;
    }

    private static ByteString key(int k) {
        return ByteString.copyFromUtf8(String.format(Locale.ROOT, "bench/%08d", k));
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private void report(LatencyHistogram latencies, double elapsed, double cpuSeconds, Optional<WatchLoad> watch) {
        double opsPerSecond = latencies.count() / elapsed;
        double p50 = latencies.quantile(0.50) / 1e3;
        double p99 = latencies.quantile(0.99) / 1e3;
        double p999 = latencies.quantile(0.999) / 1e3;
        var out = spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "%s: %d clients, %d-byte values, %d keys, %s: %.0f ops/s, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, "
                        + "%d errors; generator CPU %.1f s in %.1f s%n",
                op,
                clients,
                valueBytes,
                keys,
                String.join(",", endpoints),
                opsPerSecond,
                p50,
                p99,
                p999,
                errors.get(),
                cpuSeconds,
                elapsed);
        String watchFields = watch.map(w -> String.format(
                        Locale.ROOT,
                        ", \"watchers\": %d, \"events_per_sec\": %.1f, \"event_p50_us\": %d, \"event_p99_us\": %d,"
                                + " \"event_p999_us\": %d, \"watches_canceled\": %d",
                        watchers,
                        w.events() / elapsed,
                        w.latencies().quantile(0.50),
                        w.latencies().quantile(0.99),
                        w.latencies().quantile(0.999),
                        w.canceled()))
                .orElse("");
        watch.ifPresent(w -> out.printf(
                Locale.ROOT,
                "watch: %d watchers received %.0f events/s, delivery p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms%n",
                watchers,
                w.events() / elapsed,
                w.latencies().quantile(0.50) / 1e3,
                w.latencies().quantile(0.99) / 1e3,
                w.latencies().quantile(0.999) / 1e3));
        out.printf(
                Locale.ROOT,
                "{\"benchmark\": \"kv\", \"op\": \"%s\", \"clients\": %d, \"value_bytes\": %d, \"keys\": %d,"
                        + " \"endpoints\": \"%s\", \"seconds\": %.2f, \"ops\": %d, \"ops_per_sec\": %.1f,"
                        + " \"p50_us\": %.0f, \"p99_us\": %.0f, \"p999_us\": %.0f, \"errors\": %d,"
                        + " \"client_cpu_seconds\": %.2f%s}%n",
                op,
                clients,
                valueBytes,
                keys,
                String.join(",", endpoints),
                elapsed,
                latencies.count(),
                opsPerSecond,
                p50 * 1000,
                p99 * 1000,
                p999 * 1000,
                errors.get(),
                cpuSeconds,
                watchFields);
        out.flush();
    }
}
