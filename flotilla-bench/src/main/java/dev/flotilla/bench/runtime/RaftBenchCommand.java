package dev.flotilla.bench.runtime;

import dev.flotilla.bench.DataDirectories;
import dev.flotilla.bench.LatencyHistogram;
import dev.flotilla.log.LogEngine;
import dev.flotilla.log.LogEngineConfig;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.Role;
import dev.flotilla.runtime.RaftNode;
import dev.flotilla.runtime.RaftNodeConfig;
import dev.flotilla.transport.TransportConfig;
import dev.flotilla.transport.netty.NettyTransport;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flotilla bench raft}: three real nodes in one process (each its own log engine and Netty transport on
 * loopback), N groups, C closed-loop clients each with one proposal outstanding, sent to the group's leader. Reports
 * committed proposals per second and latency; the last line is JSON.
 */
@Command(
        name = "raft",
        mixinStandardHelpOptions = true,
        description =
                "Throughput and latency of committed proposals through the multi-raft runtime (3 nodes, one process).")
public final class RaftBenchCommand implements Callable<Integer> {
    private static final int NODES = 3;
    private static final long CLUSTER_ID = 1;

    @Spec
    CommandSpec spec;

    @Option(names = "--groups", defaultValue = "64", description = "Raft groups (default: ${DEFAULT-VALUE}).")
    int groups;

    @Option(names = "--clients", defaultValue = "256", description = "Closed-loop clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--entry-bytes", defaultValue = "256", description = "Command size (default: ${DEFAULT-VALUE}).")
    int entryBytes;

    @Option(names = "--seconds", defaultValue = "10", description = "Measured seconds (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--dir", description = "Where the nodes' logs go (default: a temporary directory, removed after).")
    Optional<Path> dir;

    @Option(
            names = "--idle",
            description = "Measure the cost of idle groups instead: no clients; CPU, heap per group and messages"
                    + " between nodes while the groups sit idle.")
    boolean idle;

    @Override
    public Integer call() throws Exception {
        if (groups < 1 || clients < 1 || entryBytes < 0 || seconds < 1) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--groups, --clients and --seconds must be positive, --entry-bytes >= 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path root =
                dir.isPresent() ? Files.createDirectories(dir.get()) : Files.createTempDirectory("flotilla-bench-raft");
        Map<Long, InetSocketAddress> addresses = new HashMap<>();
        for (long id = 1; id <= NODES; id++) {
            addresses.put(id, new InetSocketAddress("127.0.0.1", freePort()));
        }
        List<RaftNode> nodes = new ArrayList<>();
        List<NettyTransport> transports = new ArrayList<>();
        long heapBefore = usedHeapAfterGc();
        try {
            for (long id = 1; id <= NODES; id++) {
                NettyTransport transport = new NettyTransport(
                        TransportConfig.defaults(id, CLUSTER_ID, addresses.get(id)),
                        node -> Optional.ofNullable(addresses.get(node)));
                transports.add(transport);
                nodes.add(RaftNode.start(
                        RaftNodeConfig.defaults(id),
                        LogEngine.open(LogEngineConfig.defaults(root.resolve("node-" + id))),
                        transport,
                        group -> new NoopStateMachine()));
            }
            Membership members = Membership.ofVoters(Set.of(1L, 2L, 3L));
            List<java.util.concurrent.CompletableFuture<Void>> created = new ArrayList<>();
            for (RaftNode node : nodes) {
                for (long g = 1; g <= groups; g++) {
                    created.add(node.createGroup(g, members));
                }
            }
            created.forEach(java.util.concurrent.CompletableFuture::join);
            err.printf("started %d nodes with %d groups; waiting for leaders%n", NODES, groups);
            RaftNode[] leaders;
            try {
                leaders = awaitLeaders(nodes);
            } finally {
                transports.forEach(t -> err.println("transport stats: " + t.peerStats()));
            }
            if (idle) {
                measureIdle(out, err, transports, heapBefore);
            } else {
                report(out, measure(leaders, err));
            }
            return 0;
        } finally {
            nodes.forEach(RaftNode::close);
            if (dir.isEmpty()) {
                DataDirectories.deleteRecursively(root);
            }
        }
    }

    private RaftNode[] awaitLeaders(List<RaftNode> nodes) throws InterruptedException {
        RaftNode[] leaders = new RaftNode[groups + 1];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (long g = 1; g <= groups; g++) {
            while (leaders[(int) g] == null) {
                for (RaftNode node : nodes) {
                    if (node.status(g).join().map(s -> s.role() == Role.LEADER).orElse(false)) {
                        leaders[(int) g] = node;
                    }
                }
                if (leaders[(int) g] == null) {
                    if (System.nanoTime() > deadline) {
                        StringBuilder seen = new StringBuilder();
                        for (RaftNode node : nodes) {
                            seen.append("\n  ").append(node.status(g).join());
                        }
                        throw new IllegalStateException("group " + g + " elected no leader within 60 s:" + seen);
                    }
                    Thread.sleep(5);
                }
            }
        }
        return leaders;
    }

    /** No clients: what idle groups cost once they have settled. */
    private void measureIdle(PrintWriter out, PrintWriter err, List<NettyTransport> transports, long heapBefore)
            throws InterruptedException {
        err.println("all groups have leaders; letting them settle for 5 s");
        Thread.sleep(5000);
        long heapPerGroup = (usedHeapAfterGc() - heapBefore) / ((long) groups * NODES);
        long messagesBefore = messagesSent(transports);
        double cpuBefore = processCpuSeconds();
        long start = System.nanoTime();
        for (int s = 1; s <= seconds; s++) {
            Thread.sleep(1000);
            err.printf("  %d/%d s idle%n", s, seconds);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        double cpuPercentPerNode = 100 * (processCpuSeconds() - cpuBefore) / elapsed / NODES;
        int pairs = NODES * (NODES - 1);
        double messagesPerPair = (messagesSent(transports) - messagesBefore) / elapsed / pairs;
        out.printf(
                "%d idle groups on %d nodes: %.2f%% of a core per node, %,d heap bytes per group replica,"
                        + " %.1f messages/s per node pair%n",
                groups, NODES, cpuPercentPerNode, heapPerGroup, messagesPerPair);
        out.println(String.format(
                Locale.ROOT,
                "{\"benchmark\": \"raft-idle\", \"nodes\": %d, \"groups\": %d, \"seconds\": %.1f,"
                        + " \"cpu_percent_per_node\": %.2f, \"heap_bytes_per_group\": %d,"
                        + " \"messages_per_sec_per_pair\": %.1f}",
                NODES,
                groups,
                elapsed,
                cpuPercentPerNode,
                heapPerGroup,
                messagesPerPair));
        out.flush();
    }

    private static long messagesSent(List<NettyTransport> transports) {
        return transports.stream()
                .flatMap(t -> t.peerStats().values().stream())
                .mapToLong(dev.flotilla.transport.PeerStats::messagesSent)
                .sum();
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private record Result(long committed, double seconds, LatencyHistogram latencies, double cpuSeconds) {}

    /** Runs the clients: each proposes, and proposes again when the previous proposal commits. */
    private Result measure(RaftNode[] leaders, PrintWriter err) throws InterruptedException {
        byte[] command = new byte[entryBytes];
        Arrays.fill(command, (byte) 'x');
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean running = new AtomicBoolean(true);
        LatencyHistogram latencies = new LatencyHistogram();
        CountDownLatch stopped = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            long group = 1 + c % groups;
            new Client(leaders[(int) group], group, command, running, measuring, latencies, stopped).next();
        }
        Thread.sleep(2000);
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
        double cpu = processCpuSeconds() - cpuBefore;
        running.set(false);
        stopped.await(30, TimeUnit.SECONDS);
        return new Result(latencies.count(), elapsed, latencies, cpu);
    }

    private static final class Client {
        private final RaftNode leader;
        private final long group;
        private final byte[] command;
        private final AtomicBoolean running;
        private final AtomicBoolean measuring;
        private final LatencyHistogram latencies;
        private final CountDownLatch stopped;

        Client(
                RaftNode leader,
                long group,
                byte[] command,
                AtomicBoolean running,
                AtomicBoolean measuring,
                LatencyHistogram latencies,
                CountDownLatch stopped) {
            this.leader = leader;
            this.group = group;
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
            leader.propose(group, command).whenComplete((result, error) -> {
                if (error == null && measuring.get()) {
                    latencies.record((System.nanoTime() - start) / 1000);
                }
                next();
            });
        }
    }

    private void report(PrintWriter out, Result result) {
        double perSecond = result.committed() / result.seconds();
        long p50 = result.latencies().quantile(0.50);
        long p99 = result.latencies().quantile(0.99);
        long p999 = result.latencies().quantile(0.999);
        out.printf(
                "%,.0f committed proposals/s, p50 %d us, p99 %d us, p999 %d us, %.2f CPU cores%n",
                perSecond, p50, p99, p999, result.cpuSeconds() / result.seconds());
        out.println(String.format(
                Locale.ROOT,
                "{\"benchmark\": \"raft\", \"nodes\": %d, \"groups\": %d, \"clients\": %d, \"entry_bytes\": %d,"
                        + " \"seconds\": %.1f, \"committed_per_sec\": %.0f, \"p50_us\": %d, \"p99_us\": %d,"
                        + " \"p999_us\": %d, \"cpu_cores\": %.2f}",
                NODES,
                groups,
                clients,
                entryBytes,
                result.seconds(),
                perSecond,
                p50,
                p99,
                p999,
                result.cpuSeconds() / result.seconds()));
        out.flush();
    }

    private static double processCpuSeconds() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
