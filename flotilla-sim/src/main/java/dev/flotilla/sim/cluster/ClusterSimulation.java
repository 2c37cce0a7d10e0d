package dev.flotilla.sim.cluster;

import dev.flotilla.check.HistoryReader;
import dev.flotilla.check.LinearizabilityChecker;
import dev.flotilla.check.MalformedHistoryException;
import dev.flotilla.check.Operation;
import dev.flotilla.check.Verdict;
import dev.flotilla.log.LogEngineConfig;
import dev.flotilla.raft.Membership;
import dev.flotilla.runtime.RaftNodeConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * One seed of the whole-system simulation: {@code nodes} nodes of the real runtime and log engine host {@code groups}
 * groups in one thread, on a simulated clock, network and disks, with clients recording a history.
 *
 * <p>Phases (virtual time): set-up (groups created, no faults) until {@value #CLIENTS_START_MS} ms; faults and
 * clients until {@value #HEAL_AT_MS} ms; then everything heals and every group must complete a client operation
 * within {@value #LIVENESS_BOUND_MS} ms; then the clients stop, a last read of every key runs, and the replicas of
 * every group must converge (same applied index, same registers) within {@value #CONVERGE_WITHIN_MS} ms. Finally the
 * history goes to the linearizability checker.
 */
public final class ClusterSimulation {
    static final long CLIENTS_START_MS = 300;
    static final long HEAL_AT_MS = 5_000;
    static final long LIVENESS_BOUND_MS = 4_000;
    static final long CONVERGE_WITHIN_MS = 4_000;
    private static final long TICK_MS = 10;
    private static final int CLIENTS_PER_GROUP = 3;
    private static final long COMPACTION_THRESHOLD_ENTRIES = 20;

    /** The outcome of one seed; {@code history} is the JSON-lines history, for a failure report. */
    public record Result(
            long seed,
            long events,
            long traceHash,
            int operations,
            String faults,
            Optional<String> violation,
            List<String> trace,
            String history) {}

    private final long seed;
    private final EventQueue clock = new EventQueue();
    private final Random random;
    private final Violations violations = new Violations();
    private final List<ClusterNode> nodes = new ArrayList<>();
    private final ClusterNetwork network;
    private final History history = new History();
    private final Clients clients;
    private final Faults faults;
    private final int groups;

    private ClusterSimulation(long seed, int nodeCount, int groups, ClusterBug bug) {
        this.seed = seed;
        this.groups = groups;
        this.random = new Random(seed);
        this.network = new ClusterNetwork(clock, random);
        for (long id = 1; id <= nodeCount; id++) {
            RaftNodeConfig config = RaftNodeConfig.defaults(id)
                    .withTickInterval(Duration.ofMillis(TICK_MS))
                    .withRequestTimeout(Duration.ofMillis(1_000))
                    .withCompactionThresholdEntries(COMPACTION_THRESHOLD_ENTRIES);
            config = new RaftNodeConfig(
                    config.raft().withRandomSeed(seed * 7919 + id),
                    config.tickInterval(),
                    config.requestTimeout(),
                    config.maxPendingRequestsPerGroup(),
                    config.compactionThresholdEntries());
            LogEngineConfig logConfig = LogEngineConfig.defaults(Path.of("simulated-node-" + id))
                    .withSegmentSizeBytes(16 << 10)
                    .withCacheBytes(64 << 10)
                    .withRewrite(2.0, 64 << 10, 8 << 10);
            nodes.add(new ClusterNode(id, clock, random, network, config, logConfig, bug, violations, TICK_MS));
        }
        this.clients = new Clients(clock, random, nodes, history, bug == ClusterBug.LOCAL_READS);
        this.faults = new Faults(clock, random, nodes, network, groups);
    }

    /** Runs seed {@code seed}; the same arguments always give the same events and result. */
    public static Result run(long seed, int nodes, int groups, ClusterBug bug) {
        return new ClusterSimulation(seed, nodes, groups, bug).run();
    }

    private Result run() {
        Set<Long> ids = new TreeSet<>();
        nodes.forEach(n -> ids.add(n.id()));
        for (ClusterNode node : nodes) {
            node.start();
            for (long g = 1; g <= groups; g++) {
                node.createGroup(g, Membership.ofVoters(ids));
            }
        }
        clock.runUntil(CLIENTS_START_MS);
        for (long g = 1; g <= groups; g++) {
            clients.start(g, CLIENTS_PER_GROUP);
        }
        faults.start();
        runUntil(HEAL_AT_MS);
        faults.healAll();
        clients.healed();
        runUntil(HEAL_AT_MS + LIVENESS_BOUND_MS);
        checkLiveness();
        clients.stop();
        long end = clock.now() + CONVERGE_WITHIN_MS;
        while (!violations.any() && clients.inFlight() > 0 && clock.now() < end) {
            runUntil(clock.now() + 50);
        }
        for (long g = 1; g <= groups; g++) {
            clients.readAllFinally(g);
        }
        while (!violations.any() && !converged() && clock.now() < end) {
            runUntil(clock.now() + 50);
        }
        if (!violations.any() && !converged()) {
            violations.report(
                    "replicas did not converge within " + CONVERGE_WITHIN_MS + " ms of the end: " + divergence());
        }
        runUntil(clock.now() + 200); // the last reads
        if (!violations.any()) {
            checkHistory();
        }
        return new Result(
                seed,
                clock.executed(),
                clock.traceHash(),
                history.operations(),
                faults.summary(),
                violations.first(),
                clock.recentEvents(),
                history.jsonLines());
    }

    /** Runs events until {@code time} or the first violation. */
    private void runUntil(long time) {
        while (!violations.any() && clock.now() < time) {
            clock.runUntil(Math.min(time, clock.now() + 10));
        }
    }

    private void checkLiveness() {
        for (long g = 1; g <= groups && !violations.any(); g++) {
            if (clients.progressAfterHealing(g).isEmpty()) {
                violations.report("liveness: group " + g + " completed no client operation within " + LIVENESS_BOUND_MS
                        + " ms after healing");
            }
        }
    }

    private boolean converged() {
        return divergence().isEmpty();
    }

    /** The first group whose up replicas differ in applied index or registers, described; empty if none. */
    private String divergence() {
        for (long g = 1; g <= groups; g++) {
            Optional<RegisterMachine> reference = Optional.empty();
            for (ClusterNode node : nodes) {
                if (node.state() != ClusterNode.State.UP) {
                    continue;
                }
                Optional<RegisterMachine> machine = node.machine(g);
                if (machine.isEmpty()) {
                    return "group " + g + " is not open on node " + node.id();
                }
                if (reference.isEmpty()) {
                    reference = machine;
                } else if (reference.get().appliedIndex() != machine.get().appliedIndex()
                        || !Arrays.equals(
                                reference.get().snapshot(), machine.get().snapshot())) {
                    return "group " + g + ": node " + node.id() + " applied "
                            + machine.get().appliedIndex() + ", another node "
                            + reference.get().appliedIndex();
                }
            }
        }
        return "";
    }

    private void checkHistory() {
        Verdict verdict;
        try {
            verdict = new LinearizabilityChecker(Duration.ofSeconds(20))
                    .check(HistoryReader.read(new BufferedReader(new StringReader(history.jsonLines()))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (MalformedHistoryException e) {
            throw new IllegalStateException("the simulator wrote a malformed history: " + e.getMessage(), e);
        }
        if (verdict instanceof Verdict.NotLinearizable bad) {
            StringBuilder window = new StringBuilder();
            for (Operation op : bad.window()) {
                window.append("\n    ").append(op.describe());
            }
            violations.report("not linearizable: key " + bad.key() + ": " + bad.explanation() + window);
        }
    }
}
