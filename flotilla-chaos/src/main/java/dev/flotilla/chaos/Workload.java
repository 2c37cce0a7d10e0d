package dev.flotilla.chaos;

import dev.flotilla.chaos.HistoryLog.F;
import dev.flotilla.chaos.HistoryLog.Outcome;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The clients of a chaos run: each is a thread and a process of the history, with one operation in flight at a time,
 * each sent to a node chosen at random (so minorities and paused nodes get requests too). An operation is a read
 * (40%), a write of a value no one else writes (30%), or a cas from the last value the client saw of the key (30%; a
 * write while it has seen none).
 *
 * <p>Outcomes: a read that fails is {@code fail} (it changed nothing); a write or cas that fails in any way (deadline,
 * UNAVAILABLE, anything) is {@code info}, since the server may have applied it; a cas whose comparison was false is
 * {@code fail}.
 */
final class Workload implements AutoCloseable {
    private final EtcdClients etcd;
    private final HistoryLog history;
    private final List<String> keys;
    private final AtomicLong nextValue = new AtomicLong(1);
    private final AtomicLong lastOkWriteNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong lastOkReadNanos = new AtomicLong(Long.MIN_VALUE);
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    Workload(EtcdClients etcd, HistoryLog history, int keys) {
        this.etcd = etcd;
        this.history = history;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            names.add("k" + i);
        }
        this.keys = List.copyOf(names);
    }

    List<String> keys() {
        return keys;
    }

    /** Starts {@code clients} clients, processes 0 to clients - 1, each with its own random stream from {@code seed}. */
    void start(int clients, long seed) {
        for (int process = 0; process < clients; process++) {
            Random random = new Random(seed * 31 + process);
            int id = process;
            Thread thread = new Thread(() -> run(id, random), "chaos-client-" + process);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /** Whether a write and a read have both succeeded since {@code nanos} (System.nanoTime). */
    boolean progressedSince(long nanos) {
        return lastOkWriteNanos.get() - nanos > 0 && lastOkReadNanos.get() - nanos > 0;
    }

    private void run(long process, Random random) {
        Map<String, Long> seen = new HashMap<>();
        while (!stopping) {
            String key = keys.get(random.nextInt(keys.size()));
            int node = 1 + random.nextInt(etcd.nodes());
            int dice = random.nextInt(10);
            Long expected = seen.get(key);
            if (dice < 4) {
                read(process, node, key).ifPresent(value -> value.ifPresent(v -> seen.put(key, v)));
            } else if (dice < 7 || expected == null) {
                long value = nextValue.getAndIncrement();
                if (write(process, node, key, value)) {
                    seen.put(key, value);
                }
            } else {
                long value = nextValue.getAndIncrement();
                if (cas(process, node, key, expected, value)) {
                    seen.put(key, value);
                }
            }
        }
    }

    /** The value read (empty inside: absent), or empty if the read failed. */
    Optional<Optional<Long>> read(long process, int node, String key) {
        history.invoke(process, F.READ, key, "null");
        try {
            Optional<Long> value = etcd.read(node, key);
            history.complete(process, Outcome.OK, F.READ, key, HistoryLog.value(value));
            lastOkReadNanos.set(System.nanoTime());
            return Optional.of(value);
        } catch (StatusRuntimeException e) {
            history.complete(process, Outcome.FAIL, F.READ, key, "null");
            return Optional.empty();
        }
    }

    private boolean write(long process, int node, String key, long value) {
        String json = HistoryLog.value(value);
        history.invoke(process, F.WRITE, key, json);
        try {
            etcd.write(node, key, value);
            history.complete(process, Outcome.OK, F.WRITE, key, json);
            lastOkWriteNanos.set(System.nanoTime());
            return true;
        } catch (StatusRuntimeException e) {
            history.complete(process, Outcome.INFO, F.WRITE, key, json);
            return false;
        }
    }

    private boolean cas(long process, int node, String key, long expected, long value) {
        String json = HistoryLog.cas(expected, value);
        history.invoke(process, F.CAS, key, json);
        try {
            boolean swapped = etcd.cas(node, key, expected, value);
            history.complete(process, swapped ? Outcome.OK : Outcome.FAIL, F.CAS, key, json);
            if (swapped) {
                lastOkWriteNanos.set(System.nanoTime());
            }
            return swapped;
        } catch (StatusRuntimeException e) {
            history.complete(process, Outcome.INFO, F.CAS, key, json);
            return false;
        }
    }

    /** Stops the clients and waits for their last operations (each bounded by the client deadline). */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
    }
}
