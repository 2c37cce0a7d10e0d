package dev.flotilla.compat;

import io.etcd.jetcd.Client;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Three server processes on loopback that speak the etcd v3 API (Flotilla or etcd), named {@code node-1..3}, each
 * with a client and a peer port and a log file. Subclasses say how to start one node.
 */
abstract class ServerCluster implements AutoCloseable {
    static final int SIZE = 3;
    /** The leader field of {@code etcdctl endpoint status -w json}. */
    private static final Pattern LEADER = Pattern.compile("\"leader\":(\\d+)");

    final Path root;
    final List<Integer> clientPorts;
    final List<Integer> peerPorts;
    /** TLS with client certificates on the client ports; empty: plain text. */
    final Optional<TestCertificates> tls;

    private final List<Process> processes = new ArrayList<>();

    ServerCluster(Path root, Optional<TestCertificates> tls) {
        this.root = root;
        this.tls = tls;
        List<Integer> ports = LocalPorts.take(2 * SIZE);
        this.clientPorts = ports.subList(0, SIZE);
        this.peerPorts = ports.subList(SIZE, 2 * SIZE);
    }

    /** A start that throws checked exceptions, for running it on another thread. */
    interface Start<T> {
        T run() throws IOException, InterruptedException;
    }

    static <T> T unchecked(Start<T> start) {
        try {
            return start.run();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Who answers: "flotilla" or "etcd", for messages. */
    abstract String kind();

    /** The command line that runs node {@code node} (1-based). */
    abstract List<String> command(int node) throws IOException;

    final void start() throws IOException, InterruptedException {
        Files.createDirectories(root);
        for (int node = 1; node <= SIZE; node++) {
            processes.add(new ProcessBuilder(command(node))
                    .redirectErrorStream(true)
                    .redirectOutput(logFile(node).toFile())
                    .start());
        }
        awaitLeader(Duration.ofSeconds(60));
    }

    Path logFile(int node) {
        return root.resolve("node-" + node + ".log");
    }

    String clientEndpoint(int node) {
        return "127.0.0.1:" + clientPorts.get(node - 1);
    }

    String clientUrl(int node) {
        return (tls.isPresent() ? "https://" : "http://") + clientEndpoint(node);
    }

    String peerUrl(int node) {
        return "http://127.0.0.1:" + peerPorts.get(node - 1);
    }

    /** Every client endpoint, comma-separated, as etcdctl's --endpoints takes them. */
    String endpoints() {
        List<String> all = new ArrayList<>();
        for (int node = 1; node <= SIZE; node++) {
            all.add(clientEndpoint(node));
        }
        return String.join(",", all);
    }

    Client jetcd() {
        List<String> urls = new ArrayList<>();
        for (int node = 1; node <= SIZE; node++) {
            urls.add(clientUrl(node));
        }
        return Client.builder().endpoints(urls.toArray(String[]::new)).build();
    }

    /** Waits until every node reports the same leader. */
    private void awaitLeader(Duration timeout) throws IOException, InterruptedException {
        if (tls.isPresent()) {
            awaitLeaderWithEtcdctl(timeout);
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        try (Client client = jetcd()) {
            while (System.nanoTime() < deadline) {
                for (int node = 1; node <= SIZE; node++) {
                    if (!processes.get(node - 1).isAlive()) {
                        throw new AssertionError(kind() + " node " + node + " exited; its log:\n" + log(node));
                    }
                }
                try {
                    long leader = 0;
                    boolean agreed = true;
                    for (int node = 1; node <= SIZE; node++) {
                        long seen = client.getMaintenanceClient()
                                .statusMember(clientUrl(node))
                                .get(2, TimeUnit.SECONDS)
                                .getLeader();
                        agreed &= seen != 0 && (leader == 0 || seen == leader);
                        leader = seen;
                    }
                    if (agreed) {
                        return;
                    }
                    last = "no leader every node agrees on";
                } catch (Exception e) {
                    last = e.toString();
                }
                Thread.sleep(200);
            }
        }
        throw new AssertionError(kind() + " cluster had no leader within " + timeout.toSeconds() + " s: " + last);
    }

    /** The same wait through etcdctl, which speaks TLS with the root user's client certificate. */
    private void awaitLeaderWithEtcdctl(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Etcdctl etcdctl = Etcdctl.withCertificate(endpoints(), tls.get(), "root");
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            for (int node = 1; node <= SIZE; node++) {
                if (!processes.get(node - 1).isAlive()) {
                    throw new AssertionError(kind() + " node " + node + " exited; its log:\n" + log(node));
                }
            }
            Etcdctl.Result status = etcdctl.run("", List.of("endpoint", "status", "-w", "json"));
            List<String> leaders = LEADER.matcher(status.out())
                    .results()
                    .map(m -> m.group(1))
                    .distinct()
                    .toList();
            if (status.exitCode() == 0
                    && leaders.size() == 1
                    && !leaders.get(0).equals("0")
                    && LEADER.matcher(status.out()).results().count() == SIZE) {
                return;
            }
            last = status.out() + status.err();
            Thread.sleep(200);
        }
        throw new AssertionError(kind() + " cluster had no leader within " + timeout.toSeconds() + " s: " + last);
    }

    private String log(int node) {
        try {
            return Files.readString(logFile(node), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** Stops every node (SIGTERM, then SIGKILL after 15 s). */
    @Override
    public void close() {
        processes.forEach(Process::destroy);
        for (Process process : processes) {
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
