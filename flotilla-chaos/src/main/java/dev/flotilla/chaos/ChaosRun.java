package dev.flotilla.chaos;

import dev.flotilla.check.History;
import dev.flotilla.check.HistoryReader;
import dev.flotilla.check.LinearizabilityChecker;
import dev.flotilla.check.MalformedHistoryException;
import dev.flotilla.check.Verdict;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One chaos run (docs/testing.md, "Real-process chaos"): start the servers, run the clients, inject the scheduled
 * faults, heal everything, wait for progress, stop the clients, read every key's final value, and check the history
 * (linearizability), the final values (lost writes) and the replicas (checksums). Everything it starts — processes,
 * namespaces, proxies — is removed when it returns or throws, and by a shutdown hook if the JVM is stopped meanwhile.
 */
public final class ChaosRun {
    private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration FINAL_READ_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CONVERGENCE_TIMEOUT = Duration.ofSeconds(60);

    private final ChaosOptions options;
    private final PrintWriter log;

    public ChaosRun(ChaosOptions options, PrintWriter log) {
        this.options = options;
        this.log = log;
    }

    /**
     * Runs it and says what it found.
     *
     * @throws IllegalArgumentException if the output directory exists and is not empty: old data would be reused
     * @throws IllegalStateException if a server exits at start or the cluster never elects a leader (the servers'
     *     logs are in the output)
     */
    public ChaosSummary run() throws IOException, InterruptedException {
        long started = System.nanoTime();
        if (Files.isDirectory(options.outputDir())) {
            try (Stream<Path> entries = Files.list(options.outputDir())) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(
                            "the output directory " + options.outputDir() + " is not empty; give a new one with --out");
                }
            }
        }
        List<Fault> schedule =
                FaultSchedule.generate(options.seed(), options.faultPhase().toMillis(), options.kinds());
        log.println("flotilla chaos: seed " + options.seed() + " (--seed " + options.seed()
                + " replays this fault schedule), output in "
                + options.outputDir().toAbsolutePath());
        schedule.forEach(fault -> log.println("  scheduled " + fault.describe()));
        Files.createDirectories(options.outputDir());
        ChaosNetwork network = createNetwork();
        ServerNodes nodes = new ServerNodes(
                options.outputDir(),
                options.nodes(),
                network,
                options.unsafeTestFault()
                        .map(f -> List.of("unsafe-test-fault: " + f))
                        .orElse(List.of()));
        Thread cleanup = new Thread(
                () -> {
                    nodes.close();
                    network.close();
                },
                "chaos-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        List<InetSocketAddress> clientAddresses = new ArrayList<>();
        for (int node = 1; node <= options.nodes(); node++) {
            clientAddresses.add(network.clientAddress(node));
        }
        try (EtcdClients etcd = new EtcdClients(clientAddresses, options.clientDeadline())) {
            nodes.startAll();
            awaitLeader(etcd, nodes);
            return runWorkload(schedule, nodes, network, etcd, started);
        } finally {
            nodes.close();
            network.close();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down (SIGTERM, Ctrl-C): the hook has run or is running.
            }
        }
    }

    private ChaosNetwork createNetwork() throws IOException, InterruptedException {
        boolean netns =
                switch (options.network()) {
                    case NETNS -> true;
                    case PROXY -> false;
                    case AUTO -> NamespaceNetwork.available();
                };
        return netns ? NamespaceNetwork.create(options.nodes()) : ProxyNetwork.create(options.nodes());
    }

    private void awaitLeader(EtcdClients etcd, ServerNodes nodes) throws InterruptedException {
        long deadline = System.nanoTime() + LEADER_TIMEOUT.toNanos();
        while (etcd.leader().isEmpty()) {
            List<String> exits = nodes.unexpectedExits();
            if (!exits.isEmpty()) {
                throw new IllegalStateException("a server did not start: " + String.join("; ", exits));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the cluster elected no leader in " + LEADER_TIMEOUT.toSeconds()
                        + " s; see the server logs in " + options.outputDir());
            }
            Thread.sleep(200);
        }
    }

    private ChaosSummary runWorkload(
            List<Fault> schedule, ServerNodes nodes, ChaosNetwork network, EtcdClients etcd, long started)
            throws IOException, InterruptedException {
        HistoryLog history = new HistoryLog(options.outputDir().resolve("history.jsonl"));
        Workload workload = new Workload(etcd, history, options.keys());
        long phaseStart = System.nanoTime();
        FaultInjector injector = new FaultInjector(nodes, network, etcd, log, phaseStart);
        Map<String, String> finalValues;
        long recoveryMillis;
        boolean recovered;
        try {
            workload.start(options.clients(), options.seed());
            for (Fault fault : schedule) {
                sleepUntil(phaseStart + TimeUnit.MILLISECONDS.toNanos(fault.startMillis()));
                injector.begin(fault);
                sleepUntil(phaseStart + TimeUnit.MILLISECONDS.toNanos(fault.startMillis() + fault.durationMillis()));
                injector.end(fault);
            }
            sleepUntil(phaseStart + options.faultPhase().toNanos());
            injector.healAll();
            long healed = System.nanoTime();
            log.println("healed everything; waiting for a write and a read to succeed");
            while (!workload.progressedSince(healed) && System.nanoTime() - healed < RECOVERY_TIMEOUT.toNanos()) {
                Thread.sleep(50);
            }
            recovered = workload.progressedSince(healed);
            recoveryMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healed);
            workload.close();
            finalValues = finalReads(workload);
        } finally {
            workload.close(); // stops the clients if something failed first; after the close above it returns at once
            history.close();
        }
        return check(history, finalValues, injector, etcd, nodes, network.name(), recovered, recoveryMillis, started);
    }

    /** Each key's value, read linearizably by a process of its own once the clients have stopped. */
    private Map<String, String> finalReads(Workload workload) throws InterruptedException {
        long process = options.clients();
        Map<String, String> values = new LinkedHashMap<>();
        long deadline = System.nanoTime() + FINAL_READ_TIMEOUT.toNanos();
        int node = 0;
        for (String key : workload.keys()) {
            while (System.nanoTime() < deadline) {
                Optional<Optional<Long>> value = workload.read(process, 1 + node % options.nodes(), key);
                node++;
                if (value.isPresent()) {
                    values.put(key, HistoryLog.value(value.get()));
                    break;
                }
                Thread.sleep(100);
            }
        }
        return values;
    }

    private ChaosSummary check(
            HistoryLog log,
            Map<String, String> finalValues,
            FaultInjector injector,
            EtcdClients etcd,
            ServerNodes nodes,
            String networkName,
            boolean recovered,
            long recoveryMillis,
            long started)
            throws IOException, InterruptedException {
        History history;
        try (BufferedReader in = Files.newBufferedReader(log.file(), StandardCharsets.UTF_8)) {
            history = HistoryReader.read(in);
        } catch (MalformedHistoryException e) {
            throw new IllegalStateException("the recorded history is malformed: " + e.getMessage(), e);
        }
        List<String> problems = new ArrayList<>();
        long checkStart = System.nanoTime();
        Verdict verdict = new LinearizabilityChecker(options.checkBudget()).check(history);
        this.log.printf(
                "checked %d operations for linearizability in %d ms%n",
                history.operations().size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - checkStart));
        String linearizability;
        if (verdict instanceof Verdict.Linearizable) {
            linearizability = "linearizable";
        } else if (verdict instanceof Verdict.NotLinearizable bad) {
            linearizability = "not linearizable";
            StringBuilder window = new StringBuilder("not linearizable: key " + bad.key() + ": " + bad.explanation());
            bad.window().forEach(op -> window.append("\n    ").append(op.describe()));
            problems.add(window.toString());
        } else {
            linearizability = "unknown";
            this.log.println("linearizability unknown: " + ((Verdict.Unknown) verdict).reason());
        }
        List<String> lost = LostWrites.find(history, finalValues);
        problems.addAll(lost);
        if (finalValues.size() < options.keys()) {
            problems.add("only " + finalValues.size() + " of " + options.keys() + " keys could be read at the end");
        }
        if (!recovered) {
            problems.add("no write and read succeeded within " + RECOVERY_TIMEOUT.toSeconds() + " s of healing");
        }
        ReplicaHashes hashes = ReplicaHashes.await(etcd, CONVERGENCE_TIMEOUT);
        List<String> exits = nodes.unexpectedExits();
        problems.addAll(exits);
        hashes.perNode().forEach(line -> this.log.println("  HashKV " + line));
        if (!hashes.equal()) {
            problems.add("replica checksums differ: " + hashes.perNode());
        }
        problems.forEach(problem -> this.log.println("VIOLATION: " + problem));
        return new ChaosSummary(
                options.seed(),
                networkName,
                options.nodes(),
                options.clients(),
                options.keys(),
                log.count(HistoryLog.Outcome.OK),
                log.count(HistoryLog.Outcome.FAIL),
                log.count(HistoryLog.Outcome.INFO),
                injector.injected(),
                linearizability,
                lost,
                hashes.equal(),
                exits.size(),
                recovered,
                recoveryMillis,
                (System.nanoTime() - started) / 1e9,
                options.outputDir(),
                problems);
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }
}
