package dev.flotilla.bench.kv;

import com.google.protobuf.ByteString;
import dev.flotilla.bench.LatencyHistogram;
import dev.flotilla.kv.etcd.etcdserverpb.WatchCreateRequest;
import dev.flotilla.kv.etcd.etcdserverpb.WatchGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.WatchRequest;
import dev.flotilla.kv.etcd.etcdserverpb.WatchResponse;
import dev.flotilla.kv.etcd.mvccpb.Event;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The watching side of {@code bench kv --op watch}: watchers on one prefix, each on its own stream (as independent
 * clients would be), spread over the channels. Writers put values that start with their send time
 * ({@link #stamp}); each event's delivery latency is its arrival time minus that stamp, so the generator must run
 * writers and watchers in one process.
 */
final class WatchLoad implements AutoCloseable {
    private final LatencyHistogram latencies = new LatencyHistogram();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong canceled = new AtomicLong();
    private final List<StreamObserver<WatchRequest>> streams = new ArrayList<>();

    /** Opens {@code watchers} watches on {@code prefix} and waits until every one is created. */
    WatchLoad(List<? extends Channel> channels, int watchers, ByteString prefix, BooleanSupplier measuring)
            throws InterruptedException {
        CountDownLatch created = new CountDownLatch(watchers);
        byte[] end = prefix.toByteArray();
        end[end.length - 1]++;
        WatchRequest create = WatchRequest.newBuilder()
                .setCreateRequest(WatchCreateRequest.newBuilder().setKey(prefix).setRangeEnd(ByteString.copyFrom(end)))
                .build();
        for (int w = 0; w < watchers; w++) {
            StreamObserver<WatchRequest> stream = WatchGrpc.newStub(channels.get(w % channels.size()))
                    .watch(new StreamObserver<>() {
                        @Override
                        public void onNext(WatchResponse response) {
                            if (response.getCreated()) {
                                created.countDown();
                            }
                            if (response.getCanceled()) {
                                canceled.incrementAndGet();
                            }
                            if (!measuring.getAsBoolean()) {
                                return;
                            }
                            long now = System.nanoTime();
                            for (Event event : response.getEventsList()) {
                                long sent = event.getKv()
                                        .getValue()
                                        .asReadOnlyByteBuffer()
                                        .getLong();
                                latencies.record((now - sent) / 1000);
                            }
                            events.addAndGet(response.getEventsCount());
                        }

                        @Override
                        public void onError(Throwable t) {
                            canceled.incrementAndGet();
                        }

                        @Override
                        public void onCompleted() {}
                    });
            stream.onNext(create);
            streams.add(stream);
        }
        if (!created.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException((watchers - created.getCount()) + " of " + watchers + " watches created");
        }
    }

    /** A value of {@code bytes} (at least 8) that starts with the current time, for the watchers to measure. */
    static ByteString stamp(int bytes) {
        ByteBuffer value = ByteBuffer.allocate(Math.max(Long.BYTES, bytes));
        value.putLong(System.nanoTime());
        return ByteString.copyFrom(value.array());
    }

    LatencyHistogram latencies() {
        return latencies;
    }

    /** Events received while measuring, over all watchers. */
    long events() {
        return events.get();
    }

    /** Watches the server canceled or whose stream failed. */
    long canceled() {
        return canceled.get();
    }

    @Override
    public void close() {
        streams.forEach(StreamObserver::onCompleted);
    }
}
