package dev.flotilla.bench.catchup;

import dev.flotilla.bench.DataDirectories;
import dev.flotilla.kv.cli.DevCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Everything one benchmark run starts or creates: its scratch directory, its cluster, its clients and other child
 * processes. {@link #close} stops and deletes all of it; it runs at the end of the run, on a shutdown hook (Ctrl-C),
 * and shortly after the time limit (from a watchdog thread, which makes the run's blocked calls fail). Thread-safe.
 */
final class Scratch implements AutoCloseable {
    /**
     * The watchdog fires this long after the time limit: the run's own waits check the limit and fail first, with
     * the servers' logs still there to print; the watchdog only ends calls that block past it.
     */
    private static final Duration WATCHDOG_GRACE = Duration.ofSeconds(30);

    private final Path root;
    private final List<NodeClient> clients = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final Thread shutdownHook;
    private final ScheduledExecutorService watchdog;
    private final ScheduledFuture<?> timeLimitReached;
    private Optional<DevCluster> cluster = Optional.empty();
    private boolean closed;

    private Scratch(Path root, Duration timeLimit) {
        this.root = root;
        this.shutdownHook = new Thread(this::close, "flotilla-bench-catchup-cleanup");
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "flotilla-bench-catchup-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        this.timeLimitReached =
                watchdog.schedule(this::close, timeLimit.plus(WATCHDOG_GRACE).toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Takes charge of the existing directory {@code root}, with a time limit for the whole run. */
    static Scratch open(Path root, Duration timeLimit) {
        Scratch scratch = new Scratch(root, timeLimit);
        Runtime.getRuntime().addShutdownHook(scratch.shutdownHook);
        return scratch;
    }

    Path root() {
        return root;
    }

    synchronized DevCluster cluster(DevCluster started) {
        requireOpen();
        cluster = Optional.of(started);
        return started;
    }

    synchronized NodeClient client(NodeClient client) {
        requireOpen();
        clients.add(client);
        return client;
    }

    /** A child process to kill at the end, if it is still running then. */
    synchronized void process(Process process) {
        if (closed) {
            process.destroyForcibly();
        }
        processes.add(process);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the run was stopped (time limit or shutdown)");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Not shutdownNow: close may be running on the watchdog's own thread, which must not interrupt itself.
        timeLimitReached.cancel(false);
        watchdog.shutdown();
        clients.forEach(NodeClient::close);
        processes.forEach(Process::destroyForcibly);
        cluster.ifPresent(DevCluster::close);
        for (Process process : processes) {
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        DataDirectories.deleteRecursively(root);
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // The JVM is shutting down; the hook finds everything closed.
            }
        }
    }
}
