package dev.flotilla.chaos;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies the faults of a schedule to the nodes and the network, one at a time, and undoes each when it ends. Counts
 * what it injected, by kind. Used by the run's one controlling thread.
 */
final class FaultInjector {
    private final ServerNodes nodes;
    private final ChaosNetwork network;
    private final EtcdClients etcd;
    private final PrintWriter log;
    private final long phaseStartNanos;
    private final Map<FaultKind, Integer> injected = new EnumMap<>(FaultKind.class);
    /** The node the current kill or pause hit, or the isolated leader: {@link #end} undoes it. */
    private int target;

    FaultInjector(ServerNodes nodes, ChaosNetwork network, EtcdClients etcd, PrintWriter log, long phaseStartNanos) {
        this.nodes = nodes;
        this.network = network;
        this.etcd = etcd;
        this.log = log;
        this.phaseStartNanos = phaseStartNanos;
        for (FaultKind kind : FaultKind.values()) {
            injected.put(kind, 0);
        }
    }

    /** How many faults of each kind were injected so far (every kind present, zero if none). */
    Map<FaultKind, Integer> injected() {
        return Map.copyOf(injected);
    }

    void begin(Fault fault) throws InterruptedException {
        List<Integer> order = fault.shuffledNodes(nodes.size());
        int n = nodes.size();
        String what;
        switch (fault.kind()) {
            case KILL -> {
                target = order.get(0);
                nodes.kill(target);
                what = "kill -9 node " + target;
            }
            case PAUSE -> {
                target = order.get(0);
                nodes.pause(target);
                what = "SIGSTOP node " + target;
            }
            case PARTITION_MAJORITY -> {
                List<Integer> minority = order.subList(0, n / 2);
                List<Integer> majority = order.subList(n / 2, n);
                network.cut(bothWays(minority, majority));
                what = "partition " + minority + " | " + majority;
            }
            case PARTITION_BRIDGE -> {
                List<Integer> left = order.subList(0, (n - 1) / 2);
                int bridge = order.get((n - 1) / 2);
                List<Integer> right = order.subList((n + 1) / 2, n);
                network.cut(bothWays(left, right));
                what = "partition " + left + " | " + right + " with node " + bridge + " reaching both";
            }
            case PARTITION_ONE_WAY -> {
                List<Integer> senders = order.subList(0, n / 2);
                List<Integer> receivers = order.subList(n / 2, n);
                network.cut(oneWay(senders, receivers));
                what = "drop messages from " + senders + " to " + receivers + " (not back)";
            }
            case LEADER_ISOLATION -> {
                target = etcd.leader().orElse(order.get(0));
                List<Integer> others =
                        order.stream().filter(node -> node != target).toList();
                network.cut(bothWays(List.of(target), others));
                what = "isolate leader " + target;
            }
            default -> throw new IllegalStateException("no injection for " + fault.kind());
        }
        injected.merge(fault.kind(), 1, Integer::sum);
        log.printf(
                "fault at +%.1fs: %s: %s for %.1fs%n",
                (System.nanoTime() - phaseStartNanos) / 1e9,
                fault.kind().label(),
                what,
                fault.durationMillis() / 1000.0);
    }

    void end(Fault fault) throws IOException, InterruptedException {
        switch (fault.kind()) {
            case KILL -> nodes.start(target);
            case PAUSE -> nodes.resume(target);
            default -> network.cut(Set.of());
        }
    }

    /** Undoes everything: every link healed, every node running. */
    void healAll() throws IOException, InterruptedException {
        network.cut(Set.of());
        nodes.reviveAll();
    }

    private static Set<Link> oneWay(List<Integer> from, List<Integer> to) {
        Set<Link> links = new HashSet<>();
        for (int a : from) {
            for (int b : to) {
                links.add(new Link(a, b));
            }
        }
        return links;
    }

    private static Set<Link> bothWays(List<Integer> left, List<Integer> right) {
        Set<Link> links = oneWay(left, right);
        links.addAll(oneWay(right, left));
        return links;
    }
}
