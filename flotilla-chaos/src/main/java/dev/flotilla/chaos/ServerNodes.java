package dev.flotilla.chaos;

import dev.flotilla.kv.cli.ServerCommand;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The server processes of a chaos run: {@code flotilla server} on the class path of this JVM, one data directory,
 * config file and {@code server.log} per node under the run's output directory. Nodes are numbered from 1.
 *
 * <p>Thread-safe (every method holds the instance's lock), because a shutdown hook may {@link #close} it while the run
 * is still going.
 */
final class ServerNodes implements AutoCloseable {
    private static final List<String> JVM_OPTIONS =
            List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:ActiveProcessorCount=2");

    private final Path root;
    private final ChaosNetwork network;
    private final List<String> extraConfig;
    private final List<Optional<Process>> processes = new ArrayList<>();
    private final Set<Integer> paused = new TreeSet<>();
    private final Set<Integer> killed = new TreeSet<>();
    private final List<String> unexpectedExits = new ArrayList<>();

    /**
     * @param extraConfig YAML lines added to every node's config (e.g. the test-only {@code unsafe-test-fault})
     */
    ServerNodes(Path root, int nodes, ChaosNetwork network, List<String> extraConfig) {
        this.root = root;
        this.network = network;
        this.extraConfig = List.copyOf(extraConfig);
        for (int node = 1; node <= nodes; node++) {
            processes.add(Optional.empty());
        }
    }

    int size() {
        return processes.size();
    }

    Path logFile(int node) {
        return root.resolve("node-" + node).resolve("server.log");
    }

    void startAll() throws IOException {
        for (int node = 1; node <= size(); node++) {
            start(node);
        }
    }

    /** Starts a node that is not running, on its config and data (written on its first start). */
    synchronized void start(int node) throws IOException {
        if (processes.get(node - 1).filter(Process::isAlive).isPresent()) {
            throw new IllegalStateException("node " + node + " is already running");
        }
        Path config = writeConfig(node);
        List<String> command = new ArrayList<>(network.launchPrefix(node));
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(JVM_OPTIONS);
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                ServerCommand.class.getName(),
                "--config",
                config.toString()));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(node).toFile()))
                .start();
        processes.set(node - 1, Optional.of(process));
        killed.remove(node);
    }

    private Path writeConfig(int node) throws IOException {
        Path dir = root.resolve("node-" + node);
        Files.createDirectories(dir);
        StringBuilder yaml = new StringBuilder();
        yaml.append("node-id: ").append(node).append('\n');
        yaml.append("data-dir: ").append(dir.toAbsolutePath().resolve("data")).append('\n');
        yaml.append("peer-listen-address: ")
                .append(hostPort(network.peerListenAddress(node)))
                .append('\n');
        yaml.append("client-listen-address: ")
                .append(hostPort(network.clientAddress(node)))
                .append('\n');
        yaml.append("initial-cluster:\n");
        for (int member = 1; member <= size(); member++) {
            yaml.append("  - id: ").append(member).append('\n');
            yaml.append("    peer-address: ")
                    .append(hostPort(network.peerAddressSeenBy(node, member)))
                    .append('\n');
            yaml.append("    client-address: ")
                    .append(hostPort(network.clientAddress(member)))
                    .append('\n');
        }
        extraConfig.forEach(line -> yaml.append(line).append('\n'));
        Path config = dir.resolve("flotilla.yaml");
        Files.writeString(config, yaml.toString(), StandardCharsets.UTF_8);
        return config;
    }

    private static String hostPort(InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    /** SIGKILL, as a crash; waits until the process is gone. */
    synchronized void kill(int node) throws InterruptedException {
        Optional<Process> process = processes.get(node - 1);
        if (process.isPresent()) {
            process.get().destroyForcibly().waitFor();
        }
        paused.remove(node);
        killed.add(node);
    }

    /** SIGSTOP: the process stops running (and answering) without closing a connection. */
    synchronized void pause(int node) throws InterruptedException {
        signal(node, "-STOP");
        paused.add(node);
    }

    /** SIGCONT for a paused node. */
    synchronized void resume(int node) throws InterruptedException {
        if (paused.remove(node)) {
            signal(node, "-CONT");
        }
    }

    private void signal(int node, String signal) throws InterruptedException {
        long pid = processes
                .get(node - 1)
                .orElseThrow(() -> new IllegalStateException("node " + node + " was never started"))
                .pid();
        HostCommand.run(List.of("kill", signal, Long.toString(pid)));
    }

    /**
     * Resumes paused nodes and restarts dead ones: afterwards every node runs. A node that died without being killed
     * by the run is noted first ({@link #unexpectedExits}).
     */
    synchronized void reviveAll() throws IOException, InterruptedException {
        noteUnexpectedExits();
        for (int node : List.copyOf(paused)) {
            resume(node);
        }
        for (int node = 1; node <= size(); node++) {
            if (processes.get(node - 1).filter(Process::isAlive).isEmpty()) {
                start(node);
            }
        }
    }

    /** Every time a server process ended on its own (a crash, a failed start), with its exit code and log. */
    synchronized List<String> unexpectedExits() {
        noteUnexpectedExits();
        return List.copyOf(unexpectedExits);
    }

    private void noteUnexpectedExits() {
        for (int node = 1; node <= size(); node++) {
            Optional<Process> process = processes.get(node - 1);
            if (!killed.contains(node) && process.isPresent() && !process.get().isAlive()) {
                unexpectedExits.add("node " + node + " exited by itself with code "
                        + process.get().exitValue() + " (see " + logFile(node) + ")");
                // Counted once: from now on it is a dead node like a killed one, until it is started again.
                killed.add(node);
            }
        }
    }

    /** Kills every node (SIGKILL works on a stopped process too) and waits for each. */
    @Override
    public synchronized void close() {
        for (Optional<Process> process : processes) {
            process.ifPresent(p -> {
                p.destroyForcibly();
                try {
                    p.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        paused.clear();
    }
}
