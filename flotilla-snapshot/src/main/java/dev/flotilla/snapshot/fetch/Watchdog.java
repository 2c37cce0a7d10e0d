package dev.flotilla.snapshot.fetch;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Closes connections whose deadline passed. Streams read with blocking calls, which have no timeout of their own;
 * closing the channel wakes the blocked reader with an exception. One thread per fetcher, ticking every {@value
 * #TICK_MILLIS} ms.
 */
final class Watchdog implements AutoCloseable {
    static final long TICK_MILLIS = 50;

    private final Set<SourceConnection> watched = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "flotilla-snapshot-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    Watchdog() {
        timer.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    void watch(SourceConnection connection) {
        watched.add(connection);
    }

    void forget(SourceConnection connection) {
        watched.remove(connection);
    }

    private void tick() {
        long now = System.nanoTime();
        for (SourceConnection connection : watched) {
            if (connection.overdue(now)) {
                connection.close();
                watched.remove(connection);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
