package dev.flotilla.bench.runtime;

import dev.flotilla.bench.LatencyHistogram;
import dev.flotilla.bench.runtime.ClusterUnderTest.Proposer;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * C closed-loop clients spread round-robin over the groups: each proposes, and proposes again from the callback when
 * the previous proposal commits, so exactly C proposals are outstanding and no client thread is needed. A proposal the
 * leader refuses is not counted and is retried a millisecond later: a refusal can complete at once, on the client's own
 * stack, and an immediate retry would then recurse for as long as the group has no leader.
 */
final class ClosedLoopClients {
    private static final long WARM_UP_MILLIS = 2000;
    private static final Executor RETRY_LATER = CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS);

    private final int groups;
    private final int clients;
    private final byte[] command;

    ClosedLoopClients(int groups, int clients, int entryBytes) {
        this.groups = groups;
        this.clients = clients;
        this.command = new byte[entryBytes];
        Arrays.fill(command, (byte) 'x');
    }

    /** Runs the clients against {@code cluster}: 2 s of warm-up, then {@code seconds} measured. */
    Throughput run(ClusterUnderTest cluster, int seconds, PrintWriter err) throws InterruptedException {
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean running = new AtomicBoolean(true);
        LatencyHistogram latencies = new LatencyHistogram();
        CountDownLatch stopped = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            Proposer proposer = cluster.newClient(1 + c % groups);
            new Client(proposer, command, running, measuring, latencies, stopped).next();
        }
        Thread.sleep(WARM_UP_MILLIS);
        err.println("warmed up for 2 s; measuring for " + seconds + " s");
        double cpuBefore = processCpuSeconds();
        long start = System.nanoTime();
        measuring.set(true);
        for (int s = 1; s <= seconds; s++) {
            Thread.sleep(1000);
            err.printf("  %d/%d s: %,d committed%n", s, seconds, latencies.count());
        }
        measuring.set(false);
        double elapsed = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = processCpuSeconds() - cpuBefore;
        running.set(false);
        if (!stopped.await(30, TimeUnit.SECONDS)) {
            err.printf("%d clients still had a proposal outstanding after 30 s%n", stopped.getCount());
        }
        return Throughput.of(latencies, elapsed, cpuSeconds);
    }

    /** The process's CPU time: all three servers and the clients, since they share this process. */
    static double processCpuSeconds() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }

    private static final class Client {
        private final Proposer proposer;
        private final byte[] command;
        private final AtomicBoolean running;
        private final AtomicBoolean measuring;
        private final LatencyHistogram latencies;
        private final CountDownLatch stopped;

        Client(
                Proposer proposer,
                byte[] command,
                AtomicBoolean running,
                AtomicBoolean measuring,
                LatencyHistogram latencies,
                CountDownLatch stopped) {
            this.proposer = proposer;
            this.command = command;
            this.running = running;
            this.measuring = measuring;
            this.latencies = latencies;
            this.stopped = stopped;
        }

        void next() {
            if (!running.get()) {
                stopped.countDown();
                return;
            }
            long start = System.nanoTime();
            proposer.propose(command).whenComplete((result, error) -> {
                if (error != null) {
                    RETRY_LATER.execute(this::next);
                    return;
                }
                if (measuring.get()) {
                    latencies.record((System.nanoTime() - start) / 1000);
                }
                next();
            });
        }
    }
}
