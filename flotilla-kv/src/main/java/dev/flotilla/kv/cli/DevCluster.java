package dev.flotilla.kv.cli;

import dev.flotilla.kv.ClusterState;
import dev.flotilla.kv.etcd.etcdserverpb.MaintenanceGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.StatusRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A local cluster of server processes on loopback, one data directory each under a root directory. The node's config
 * file is written on the first start only and reused afterwards, so a second run finds the same cluster and data.
 * Nodes are numbered from 1, and a node's number is its node id. {@code flotilla dev}, the process tests and {@code
 * flotilla bench catchup} (which also {@linkplain #join joins} a node) run their clusters through it.
 *
 * <p>Not thread-safe: one thread starts, stops and kills the nodes; {@link #close} may also run on a shutdown hook.
 */
public final class DevCluster implements AutoCloseable {
    /** What {@code flotilla dev} uses: the client ports of etcd's examples, each peer port one above. */
    static final List<Integer> CLIENT_PORTS = List.of(2379, 22379, 32379);

    static final List<Integer> PEER_PORTS = List.of(2380, 22380, 32380);

    private final Path root;
    private final List<Integer> clientPorts;
    private final List<Integer> peerPorts;
    private final List<Integer> metricsPorts;
    private final List<Process> processes = new ArrayList<>();
    private final List<String> splitKeys;

    public DevCluster(Path root, List<Integer> clientPorts, List<Integer> peerPorts) {
        this(root, clientPorts, peerPorts, List.of());
    }

    /** A cluster whose key space is cut at {@code splitKeys} (on the first run; later runs keep the first layout). */
    DevCluster(Path root, List<Integer> clientPorts, List<Integer> peerPorts, List<String> splitKeys) {
        this(root, clientPorts, peerPorts, splitKeys, List.of());
    }

    /**
     * A cluster whose nodes also serve Prometheus metrics on 127.0.0.1, one port of {@code metricsPorts} per node
     * (empty: no metrics).
     */
    public DevCluster(
            Path root,
            List<Integer> clientPorts,
            List<Integer> peerPorts,
            List<String> splitKeys,
            List<Integer> metricsPorts) {
        this.splitKeys = List.copyOf(splitKeys);
        if (clientPorts.size() != peerPorts.size()) {
            throw new IllegalArgumentException("one client and one peer port per node");
        }
        if (!metricsPorts.isEmpty() && metricsPorts.size() != clientPorts.size()) {
            throw new IllegalArgumentException("one metrics port per node, or none");
        }
        this.root = root;
        this.clientPorts = new ArrayList<>(clientPorts);
        this.peerPorts = new ArrayList<>(peerPorts);
        this.metricsPorts = new ArrayList<>(metricsPorts);
    }

    public int size() {
        return clientPorts.size();
    }

    public String clientEndpoint(int node) {
        return "127.0.0.1:" + clientPorts.get(node - 1);
    }

    /** Where the node serves Prometheus metrics ({@code http://127.0.0.1:PORT/metrics}), if the cluster has them. */
    public Optional<String> metricsEndpoint(int node) {
        return metricsPorts.isEmpty() ? Optional.empty() : Optional.of("127.0.0.1:" + metricsPorts.get(node - 1));
    }

    String endpoints() {
        List<String> endpoints = new ArrayList<>();
        for (int node = 1; node <= size(); node++) {
            endpoints.add(clientEndpoint(node));
        }
        return String.join(",", endpoints);
    }

    /** The node's data directory (its config, log, store and server log). */
    public Path nodeDir(int node) {
        return root.resolve("node-" + node);
    }

    /** The node's RocksDB directory: {@code kv} in its data directory, where {@link dev.flotilla.kv.KvServer} keeps it. */
    public Path storeDir(int node) {
        return nodeDir(node).resolve("kv");
    }

    public Path logFile(int node) {
        return nodeDir(node).resolve("server.log");
    }

    /** Starts every node as a child process of this JVM, running {@link ServerCommand} on the same class path. */
    public void start(List<String> jvmOptions) throws IOException {
        for (int node = 1; node <= size(); node++) {
            processes.add(startNode(node, ClusterState.NEW, jvmOptions));
        }
    }

    /**
     * Starts one more node, number {@code size() + 1}, with {@code initial-cluster-state: existing}: it joins the
     * running cluster, which must already have added it (MemberAdd, with that number as its id). Its initial cluster
     * is every node, itself included. Returns its number.
     */
    public int join(int clientPort, int peerPort, Optional<Integer> metricsPort, List<String> jvmOptions)
            throws IOException {
        if (metricsPort.isPresent() == metricsPorts.isEmpty()) {
            throw new IllegalArgumentException("a joining node has a metrics port exactly when the others have one");
        }
        clientPorts.add(clientPort);
        peerPorts.add(peerPort);
        metricsPort.ifPresent(metricsPorts::add);
        int node = size();
        processes.add(startNode(node, ClusterState.EXISTING, jvmOptions));
        return node;
    }

    /** Kills a node the hard way (SIGKILL), as a crash would, and waits until it is gone. */
    public void kill(int node) throws InterruptedException {
        processes.get(node - 1).destroyForcibly().waitFor();
    }

    /**
     * Stops a node cleanly (SIGTERM: the server closes, which flushes its store) and waits for it; kills it if it is
     * still running after 15 s.
     */
    public void stop(int node) throws InterruptedException {
        stop(processes.get(node - 1));
    }

    /** Starts a node that was killed or stopped, on its existing config and data. */
    public void restart(int node, List<String> jvmOptions) throws IOException {
        if (processes.get(node - 1).isAlive()) {
            throw new IllegalStateException("node " + node + " is still running");
        }
        processes.set(node - 1, startNode(node, ClusterState.EXISTING, jvmOptions));
    }

    /** Whether the node's process is running. */
    public boolean isRunning(int node) {
        return processes.get(node - 1).isAlive();
    }

    /** The state only matters for a config written now: a restart reuses the node's config. */
    private Process startNode(int node, ClusterState state, List<String> jvmOptions) throws IOException {
        Path config = writeConfigIfMissing(node, state);
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                ServerCommand.class.getName(),
                "--config",
                config.toString()));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(node).toFile()))
                .start();
    }

    private Path writeConfigIfMissing(int node, ClusterState state) throws IOException {
        Path dir = nodeDir(node);
        Files.createDirectories(dir);
        Path config = dir.resolve("flotilla.yaml");
        if (Files.exists(config)) {
            return config;
        }
        // The data dir is written as given: the servers run in this process's working directory.
        StringBuilder yaml = new StringBuilder(String.format(
                "# Written by 'flotilla dev' on its first run; later runs reuse it and the data beside it.%n"
                        + "node-id: %d%ndata-dir: %s%n",
                node, dir));
        if (state == ClusterState.EXISTING) {
            yaml.append("initial-cluster-state: existing\n");
        }
        metricsEndpoint(node).ifPresent(address -> yaml.append("metrics-listen-address: " + address + "\n"));
        yaml.append("initial-cluster:\n");
        for (int member = 1; member <= size(); member++) {
            yaml.append(String.format(
                    "  - id: %d%n    peer-address: 127.0.0.1:%d%n    client-address: 127.0.0.1:%d%n",
                    member, peerPorts.get(member - 1), clientPorts.get(member - 1)));
        }
        // Lagging or new members fetch range files from the snapshot server: one port above the peer port on the
        // default ports, any free port otherwise (tests pick random ports, whose neighbours may be taken).
        int snapshotPort = peerPorts.equals(PEER_PORTS) ? peerPorts.get(node - 1) + 1 : 0;
        yaml.append(String.format("snapshots:%n  listen-address: 127.0.0.1:%d%n", snapshotPort));
        if (!splitKeys.isEmpty()) {
            yaml.append("ranges:\n  split-keys:\n");
            // Single-quoted YAML: a quote inside is doubled.
            splitKeys.forEach(
                    key -> yaml.append("    - '").append(key.replace("'", "''")).append("'\n"));
        }
        Files.writeString(config, yaml.toString(), StandardCharsets.UTF_8);
        return config;
    }

    /** Waits until node 1 reports a leader; empty when it does, else what went wrong. */
    public Optional<String> awaitLeader(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ManagedChannel channel =
                NettyChannelBuilder.forTarget(clientEndpoint(1)).usePlaintext().build();
        try {
            String last = "no answer yet";
            while (System.nanoTime() < deadline) {
                Optional<Process> dead =
                        processes.stream().filter(p -> !p.isAlive()).findFirst();
                if (dead.isPresent()) {
                    int node = processes.indexOf(dead.get()) + 1;
                    return Optional.of("node " + node + " exited with code "
                            + dead.get().exitValue() + "; the end of " + logFile(node) + ":\n" + logTail(node, 15));
                }
                try {
                    long leader = MaintenanceGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(1, TimeUnit.SECONDS)
                            .status(StatusRequest.getDefaultInstance())
                            .getLeader();
                    if (leader != 0) {
                        return Optional.empty();
                    }
                    last = "no leader yet";
                } catch (StatusRuntimeException e) {
                    last = e.getStatus().toString();
                }
                Thread.sleep(100);
            }
            return Optional.of("no leader after " + timeout.toSeconds() + " s (" + last + ")");
        } finally {
            channel.shutdownNow();
        }
    }

    /** The last {@code lines} lines of the node's server log, or why they cannot be read. */
    public String logTail(int node, int lines) {
        try {
            List<String> all = Files.readAllLines(logFile(node), StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read it: " + e.getMessage() + ")";
        }
    }

    /** Blocks until any node exits; returns its number. */
    int awaitAnyExit() throws InterruptedException {
        while (true) {
            for (int i = 0; i < processes.size(); i++) {
                if (processes.get(i).waitFor(100, TimeUnit.MILLISECONDS)) {
                    return i + 1;
                }
            }
        }
    }

    /** Asks every node to stop (SIGTERM: each closes cleanly), then waits; kills what is still running after 15 s. */
    @Override
    public void close() {
        processes.forEach(Process::destroy);
        for (Process process : processes) {
            try {
                stop(process);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
