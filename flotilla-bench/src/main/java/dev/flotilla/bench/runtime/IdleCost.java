package dev.flotilla.bench.runtime;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/** {@code flotilla bench raft --idle}: what Flotilla groups cost once they have elected a leader and gone quiet. */
final class IdleCost {
    private static final long SETTLE_MILLIS = 5000;

    private final int groups;
    private final int seconds;

    IdleCost(int groups, int seconds) {
        this.groups = groups;
        this.seconds = seconds;
    }

    /**
     * Starts a cluster under {@code root}, lets it settle, then measures CPU, heap and messages with no clients. The
     * heap per group is the heap in use with the cluster running less the heap in use once it is closed: a baseline
     * taken before it starts would also count what earlier work in this process has left to collect.
     */
    void measure(Path root, PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
        Sample sample = sampleIdleCluster(root, err);
        int nodes = ClusterUnderTest.NODES;
        long heapPerGroup = (sample.heapBytes() - usedHeapAfterGc()) / ((long) groups * nodes);
        double cpuPercentPerNode = 100 * sample.cpuSeconds() / sample.seconds() / nodes;
        double messagesPerPair = sample.messages() / sample.seconds() / (nodes * (nodes - 1));
        out.printf(
                "%d idle groups on %d nodes: %.2f%% of a core per node, %,d heap bytes per group replica,"
                        + " %.1f messages/s per node pair%n",
                groups, nodes, cpuPercentPerNode, heapPerGroup, messagesPerPair);
        out.println(String.format(
                Locale.ROOT,
                "{\"benchmark\": \"raft-idle\", \"nodes\": %d, \"groups\": %d, \"seconds\": %.1f,"
                        + " \"cpu_percent_per_node\": %.2f, \"heap_bytes_per_group\": %d,"
                        + " \"messages_per_sec_per_pair\": %.1f}",
                nodes,
                groups,
                sample.seconds(),
                cpuPercentPerNode,
                heapPerGroup,
                messagesPerPair));
    }

    private record Sample(long heapBytes, double cpuSeconds, long messages, double seconds) {}

    /** In a method of its own so that nothing references the cluster once it returns. */
    private Sample sampleIdleCluster(Path root, PrintWriter err) throws IOException, InterruptedException {
        try (FlotillaCluster cluster = FlotillaCluster.start(root, groups, err)) {
            err.println("all groups have leaders; letting them settle for 5 s");
            Thread.sleep(SETTLE_MILLIS);
            long heapBytes = usedHeapAfterGc();
            long messagesBefore = cluster.messagesSent();
            double cpuBefore = ClosedLoopClients.processCpuSeconds();
            long start = System.nanoTime();
            for (int s = 1; s <= seconds; s++) {
                Thread.sleep(1000);
                err.printf("  %d/%d s idle%n", s, seconds);
            }
            return new Sample(
                    heapBytes,
                    ClosedLoopClients.processCpuSeconds() - cpuBefore,
                    cluster.messagesSent() - messagesBefore,
                    (System.nanoTime() - start) / 1e9);
        }
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
