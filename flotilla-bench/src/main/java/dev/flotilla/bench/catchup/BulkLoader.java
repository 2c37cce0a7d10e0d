package dev.flotilla.bench.catchup;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.etcd.etcdserverpb.KVGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.PutRequest;
import dev.flotilla.kv.etcd.etcdserverpb.PutResponse;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes numbered keys ({@code catchup/000000000042}) through the etcd API, keeping {@code inFlight} puts outstanding
 * on one channel; the next put leaves as soon as one is acknowledged. Values are random bytes (RocksDB cannot compress
 * them away), each starting with its key's number so that no two are equal. The first failed put stops the load.
 */
final class BulkLoader {
    private static final int DISTINCT_VALUES = 16;
    private static final long REPORT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final KVGrpc.KVStub kv;
    private final int inFlight;
    private final ByteString[] values;
    private final PrintWriter progress;

    BulkLoader(ManagedChannel channel, int valueBytes, int inFlight, long seed, PrintWriter progress) {
        if (valueBytes < Long.BYTES) {
            throw new IllegalArgumentException("values need at least 8 bytes, was " + valueBytes);
        }
        this.kv = KVGrpc.newStub(channel);
        this.inFlight = inFlight;
        this.progress = progress;
        Random random = new Random(seed);
        this.values = new ByteString[DISTINCT_VALUES];
        for (int i = 0; i < DISTINCT_VALUES; i++) {
            byte[] bytes = new byte[valueBytes - Long.BYTES];
            random.nextBytes(bytes);
            values[i] = ByteString.copyFrom(bytes);
        }
    }

    static ByteString key(long number) {
        return ByteString.copyFromUtf8(String.format(Locale.ROOT, "catchup/%012d", number));
    }

    /**
     * Puts keys {@code first} to {@code first + count - 1} and returns once all are acknowledged; prints a progress
     * line every two seconds. Fails with the first put's error, or when {@code deadline} passes.
     */
    void load(long first, long count, Deadline deadline) throws InterruptedException {
        Semaphore window = new Semaphore(inFlight);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long started = System.nanoTime();
        long nextReport = started + REPORT_EVERY_NANOS;
        long bytes = 0;
        for (long k = first; k < first + count && failure.get() == null; k++) {
            while (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                deadline.check("loading the data");
            }
            ByteString value = ByteString.copyFrom(
                            ByteBuffer.allocate(Long.BYTES).putLong(0, k))
                    .concat(values[(int) (k % DISTINCT_VALUES)]);
            bytes += value.size();
            kv.put(PutRequest.newBuilder().setKey(key(k)).setValue(value).build(), new StreamObserver<>() {
                @Override
                public void onNext(PutResponse response) {}

                @Override
                public void onError(Throwable t) {
                    failure.compareAndSet(null, t);
                    window.release();
                }

                @Override
                public void onCompleted() {
                    window.release();
                }
            });
            if (System.nanoTime() >= nextReport) {
                nextReport = System.nanoTime() + REPORT_EVERY_NANOS;
                double seconds = (System.nanoTime() - started) / 1e9;
                progress.printf(
                        Locale.ROOT,
                        "load: %d of %d keys, %.0f MB in %.0f s (%.1f MB/s)%n",
                        k - first + 1,
                        count,
                        bytes / 1e6,
                        seconds,
                        bytes / 1e6 / seconds);
                progress.flush();
            }
        }
        while (!window.tryAcquire(inFlight, 100, TimeUnit.MILLISECONDS)) {
            deadline.check("loading the data");
        }
        if (failure.get() != null) {
            throw new IllegalStateException(
                    "a put failed while loading: " + failure.get().getMessage(), failure.get());
        }
    }
}
