package dev.flotilla.kv;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.etcd.etcdserverpb.WatchCreateRequest;
import dev.flotilla.kv.etcd.etcdserverpb.WatchGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.WatchRequest;
import dev.flotilla.kv.etcd.etcdserverpb.WatchResponse;
import dev.flotilla.kv.etcd.mvccpb.Event;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;

/**
 * A watch client as etcd's clients behave: on a broken stream, or when told to move, it watches again on another node
 * from the revision after the last event it received. Records every event, in the order received.
 */
final class ResumingWatcher {
    private final ByteString key;
    private final ByteString rangeEnd;
    private final List<Event> events = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private long nextRevision;
    private StreamObserver<WatchRequest> requests;
    private int generation;

    ResumingWatcher(ByteString key, ByteString rangeEnd, long startRevision) {
        this.key = key;
        this.rangeEnd = rangeEnd;
        this.nextRevision = startRevision;
    }

    /** Watches on {@code channel} from the revision after the last event (dropping any previous stream). */
    synchronized void connect(Channel channel) {
        if (requests != null) {
            requests.onCompleted();
        }
        int mine = ++generation;
        requests = WatchGrpc.newStub(channel).watch(new StreamObserver<>() {
            @Override
            public void onNext(WatchResponse response) {
                received(mine, response);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
        });
        requests.onNext(WatchRequest.newBuilder()
                .setCreateRequest(WatchCreateRequest.newBuilder()
                        .setKey(key)
                        .setRangeEnd(rangeEnd)
                        .setStartRevision(nextRevision))
                .build());
    }

    private synchronized void received(int fromGeneration, WatchResponse response) {
        if (fromGeneration != generation) {
            return; // an abandoned stream
        }
        if (response.getCanceled()) {
            problems.add("watch canceled: " + response);
        }
        for (Event event : response.getEventsList()) {
            events.add(event);
            nextRevision = event.getKv().getModRevision() + 1;
        }
        notifyAll();
    }

    /** Waits until an event at {@code revision} or later arrived. */
    synchronized void awaitRevision(long revision, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (nextRevision <= revision) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new AssertionError("watcher reached only " + (nextRevision - 1) + ", expected " + revision);
            }
            wait(left);
        }
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    synchronized void close() {
        if (requests != null) {
            requests.onCompleted();
        }
    }
}
