package dev.flotilla.bench.catchup;

import dev.flotilla.bench.DataDirectories;
import dev.flotilla.kv.cli.DevCluster;
import dev.flotilla.kv.etcd.etcdserverpb.ClusterGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.MemberAddRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeResponse;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flotilla bench catchup}: how long a new member takes to catch up with a loaded cluster, next to the physical
 * limit ({@code cp -r} of the leader's store) and to the naive way ({@link NaiveBaseline}). Three server processes
 * are loaded with {@code --data-gb} through the etcd API; a fourth is added as a learner (MemberAdd, then started
 * with {@code initial-cluster-state: existing}) and timed from its start until it has applied everything committed
 * before it joined. Then the leader is stopped cleanly (its close flushes its store), and its store directory is
 * copied with {@code cp -r} and, key by key, by the naive baseline. The last line is a JSON summary; every process is
 * stopped and every directory deleted at the end, on failure, on Ctrl-C and when {@code --timeout-seconds} passes.
 */
@Command(
        name = "catchup",
        mixinStandardHelpOptions = true,
        description = {
            "Catch-up of a new member versus cp -r of the leader's store and a naive key-by-key copy;"
                    + " JSON last line.",
            "Quick run: --data-gb 0.2."
        })
public final class CatchupBenchCommand implements Callable<Integer> {
    private static final int NODES = 3;
    private static final long LOAD_SEED = 42;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--data-gb",
            defaultValue = "1",
            description = "data to load, in GB of values (default: ${DEFAULT-VALUE})")
    double dataGb;

    @Option(names = "--value-bytes", defaultValue = "65536", description = "value size (default: ${DEFAULT-VALUE})")
    int valueBytes;

    @Option(
            names = "--in-flight",
            defaultValue = "32",
            description = "puts outstanding while loading (default: ${DEFAULT-VALUE})")
    int inFlight;

    @Option(
            names = "--kill-receiver-at",
            description = "kill -9 the new node once this fraction of the bytes has arrived, then restart it")
    Optional<Double> killReceiverAt;

    @Option(
            names = "--kill-sender-at",
            description =
                    "kill -9 the leader once this fraction of the bytes has arrived (restarted after the catch-up)")
    Optional<Double> killSenderAt;

    @Option(
            names = "--delta",
            description =
                    "after the catch-up, stop the new node, write 10%% more data, restart it and report what it received")
    boolean delta;

    @Option(
            names = "--timeout-seconds",
            defaultValue = "3600",
            description = "the whole run's time limit (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    @Option(names = "--dir", description = "parent of the scratch directory (default: the system temp dir)")
    Optional<Path> dir;

    @Option(
            names = "--server-jvm-option",
            description = "JVM option for each server process (repeatable; default: -Xmx512m)")
    List<String> serverJvmOptions = List.of("-Xmx512m");

    @Option(
            names = "--plant-bug",
            hidden = true,
            description = "skip-new-node: the new node is never started and its catch-up is not awaited (the data check"
                    + " must then fail)")
    Optional<String> plantBug;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<String> problem = checkOptions();
        if (problem.isPresent()) {
            err.println("bench catchup: " + problem.get());
            return 2;
        }
        Path scratch;
        try {
            scratch = Files.createTempDirectory(
                    dir.orElse(Path.of(System.getProperty("java.io.tmpdir"))), "flotilla-bench-catchup-");
        } catch (IOException e) {
            err.println("bench catchup: cannot create a scratch directory: " + e.getMessage());
            return 1;
        }
        Deadline deadline = Deadline.after(Duration.ofSeconds(timeoutSeconds));
        try (Scratch resources = Scratch.open(scratch, Duration.ofSeconds(timeoutSeconds))) {
            out.println(run(resources, deadline, out, err));
            out.flush();
            return 0;
        } catch (Deadline.TimedOutException e) {
            err.println("bench catchup: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("bench catchup: failed: " + e.getMessage()
                    + (deadline.passed() ? " (the time limit of " + timeoutSeconds + " s passed)" : ""));
            return 1;
        }
    }

    private Optional<String> checkOptions() {
        if (dataGb <= 0 || valueBytes < 8 || inFlight < 1 || timeoutSeconds < 1) {
            return Optional.of(
                    "--data-gb, --in-flight and --timeout-seconds must be positive, --value-bytes at least 8");
        }
        if (killReceiverAt.isPresent() && killSenderAt.isPresent()) {
            return Optional.of("--kill-receiver-at and --kill-sender-at are separate runs; give one");
        }
        Optional<Double> kill = killReceiverAt.or(() -> killSenderAt);
        if (kill.isPresent() && (kill.get() <= 0 || kill.get() >= 1)) {
            return Optional.of("the kill fraction must lie strictly between 0 and 1, was " + kill.get());
        }
        if (plantBug.isPresent() && !plantBug.get().equals("skip-new-node")) {
            return Optional.of("unknown planted bug '" + plantBug.get() + "'; known: skip-new-node");
        }
        return Optional.empty();
    }

    /** Each node's loopback ports, by node number from 1; the last node is the one that joins. */
    private record Ports(List<Integer> client, List<Integer> peer, List<Integer> metrics) {
        static Ports free(int nodes) throws IOException {
            List<Integer> ports = freePorts(3 * nodes);
            return new Ports(
                    ports.subList(0, nodes), ports.subList(nodes, 2 * nodes), ports.subList(2 * nodes, 3 * nodes));
        }
    }

    /** Runs the benchmark; on failure, first prints the end of each server's log to {@code err} (they are deleted). */
    private String run(Scratch scratch, Deadline deadline, PrintWriter out, PrintWriter err) throws Exception {
        Ports ports = Ports.free(NODES + 1);
        DevCluster cluster = scratch.cluster(new DevCluster(
                scratch.root().resolve("cluster"),
                ports.client().subList(0, NODES),
                ports.peer().subList(0, NODES),
                List.of(),
                ports.metrics().subList(0, NODES)));
        List<NodeClient> clients = new ArrayList<>();
        for (int i = 0; i <= NODES; i++) {
            clients.add(scratch.client(new NodeClient(
                    "127.0.0.1:" + ports.client().get(i),
                    Optional.of("127.0.0.1:" + ports.metrics().get(i)))));
        }
        try {
            return measure(scratch, cluster, node -> clients.get(node - 1), ports, deadline, out);
        } catch (Exception e) {
            for (int node = 1; node <= cluster.size(); node++) {
                err.printf("the end of node %d's server log:%n%s%n", node, cluster.logTail(node, 40));
            }
            throw e;
        }
    }

    private String measure(
            Scratch scratch,
            DevCluster cluster,
            IntFunction<NodeClient> client,
            Ports ports,
            Deadline deadline,
            PrintWriter out)
            throws Exception {
        int newNode = NODES + 1;
        out.printf("starting %d servers in %s%n", NODES, scratch.root());
        out.flush();
        cluster.start(serverJvmOptions);
        Optional<String> down = cluster.awaitLeader(Duration.ofSeconds(Math.min(120, timeoutSeconds)));
        if (down.isPresent()) {
            throw new IllegalStateException("the cluster did not come up: " + down.get());
        }
        long keys = Math.max(1, (long) Math.ceil(dataGb * 1e9 / valueBytes));
        int leader = awaitLeader(cluster, client, deadline);
        out.printf(
                Locale.ROOT,
                "loading %d keys of %d-byte values (%.3f GB) through node %d, the leader%n",
                keys,
                valueBytes,
                dataGb,
                leader);
        out.flush();
        long loadStarted = System.nanoTime();
        new BulkLoader(client.apply(leader).channel(), valueBytes, inFlight, LOAD_SEED, out).load(0, keys, deadline);
        double loadSeconds = (System.nanoTime() - loadStarted) / 1e9;
        long dataBytes = keys * (valueBytes + BulkLoader.key(0).size());

        leader = awaitLeader(cluster, client, deadline);
        long expectedBytes = client.apply(leader).status().getDbSize();
        addLearner(client.apply(leader), newNode, ports.peer().get(NODES));
        long target = client.apply(leader).status().getRaftIndex();
        out.printf(
                Locale.ROOT,
                "loaded in %.1f s; added node %d as a learner; it must apply up to index %d (leader's store %.1f MB)%n",
                loadSeconds,
                newNode,
                target,
                expectedBytes / 1e6);
        out.flush();

        CatchupWatch watch = new CatchupWatch(cluster, client, serverJvmOptions, out);
        CatchupWatch.Senders senders = watch.sendersBefore(voters());
        Optional<CatchupWatch.Kill> kill = killReceiverAt
                .map(f -> new CatchupWatch.Kill(CatchupWatch.Victim.RECEIVER, f))
                .or(() -> killSenderAt.map(f -> new CatchupWatch.Kill(CatchupWatch.Victim.SENDER, f)));
        CatchupWatch.Outcome catchup;
        if (plantBug.isPresent()) {
            catchup = new CatchupWatch.Outcome(0, 0, 0, "none", OptionalLong.empty(), Optional.empty());
        } else {
            long started = System.nanoTime();
            cluster.join(
                    ports.client().get(NODES),
                    ports.peer().get(NODES),
                    Optional.of(ports.metrics().get(NODES)),
                    serverJvmOptions);
            catchup = watch.await(newNode, target, expectedBytes, senders, kill, started, deadline);
        }
        out.printf(Locale.ROOT, "node %d caught up in %.2f s%n", newNode, catchup.seconds());
        verify(cluster, client, newNode, keys, deadline, out);
        if (catchup.killedSender().isPresent()) {
            cluster.restart(catchup.killedSender().get(), serverJvmOptions);
        }

        leader = awaitLeader(cluster, client, deadline);
        out.printf("stopping node %d, the leader, cleanly (its store flushes), to copy its store%n", leader);
        out.flush();
        cluster.stop(leader);
        Path store = cluster.storeDir(leader);
        long snapshotBytes = DirectorySize.apparent(List.of(store));
        // Written back and out of the page cache, so that cp and the naive copy both read the disk.
        List<Path> storeFiles = DataDirectories.files(store);
        List<String> sync = new ArrayList<>(List.of("sync"));
        storeFiles.forEach(file -> sync.add(file.toString()));
        DataDirectories.runTool(sync.toArray(String[]::new));
        DataDirectories.evictFromPageCache(storeFiles);
        double cpSeconds = timeCp(store, scratch.root().resolve("cp"));
        out.printf(Locale.ROOT, "cp -r of %.1f MB: %.2f s%n", snapshotBytes / 1e6, cpSeconds);
        out.flush();
        DataDirectories.evictFromPageCache(storeFiles);
        NaiveBaseline.Result naive = NaiveBaseline.copy(
                store, scratch.root().resolve("naive"), serverJvmOptions, scratch::process, deadline);
        DataDirectories.deleteRecursively(scratch.root().resolve("naive"));
        out.printf(
                Locale.ROOT,
                "naive copy of %d pairs (%.1f MB): %.2f s%n",
                naive.pairs(),
                naive.bytes() / 1e6,
                naive.seconds());
        out.flush();
        cluster.restart(leader, serverJvmOptions);

        Optional<Delta> deltaRun = Optional.empty();
        if (delta) {
            deltaRun = Optional.of(runDelta(cluster, client, watch, newNode, keys, deadline, out));
        }
        return summary(keys, dataBytes, snapshotBytes, loadSeconds, catchup, cpSeconds, naive, deltaRun);
    }

    /** Adds node {@code id} as a learner through the Cluster API, as {@code flotilla member add --learner} does. */
    private static void addLearner(NodeClient leader, int id, int peerPort) {
        long added = ClusterGrpc.newBlockingStub(leader.channel())
                .withDeadlineAfter(NodeClient.CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .memberAdd(MemberAddRequest.newBuilder()
                        .addPeerURLs("http://127.0.0.1:" + peerPort)
                        .setIsLearner(true)
                        .build())
                .getMember()
                .getID();
        if (added != id) {
            throw new IllegalStateException("MemberAdd gave the new member id " + added + ", expected " + id);
        }
    }

    /** A second catch-up of the same node after it missed 10% more data, and what it received. */
    private record Delta(long keys, CatchupWatch.Outcome outcome) {}

    private Delta runDelta(
            DevCluster cluster,
            IntFunction<NodeClient> client,
            CatchupWatch watch,
            int newNode,
            long keys,
            Deadline deadline,
            PrintWriter out)
            throws Exception {
        long extra = Math.max(1, keys / 10);
        out.printf("delta: stopping node %d, writing %d more keys, restarting it%n", newNode, extra);
        out.flush();
        cluster.stop(newNode);
        int leader = awaitLeader(cluster, client, deadline);
        new BulkLoader(client.apply(leader).channel(), valueBytes, inFlight, LOAD_SEED + 1, out)
                .load(keys, extra, deadline);
        long target = client.apply(leader).status().getRaftIndex();
        long expected = client.apply(leader).status().getDbSize();
        CatchupWatch.Senders senders = watch.sendersBefore(voters());
        long started = System.nanoTime();
        cluster.restart(newNode, serverJvmOptions);
        CatchupWatch.Outcome outcome =
                watch.await(newNode, target, expected, senders, Optional.empty(), started, deadline);
        verify(cluster, client, newNode, keys + extra, deadline, out);
        out.printf(
                Locale.ROOT,
                "delta: node %d caught up again in %.2f s, receiving %.1f MB (%s)%n",
                newNode,
                outcome.seconds(),
                outcome.receivedBytes() / 1e6,
                outcome.bytesSource());
        return new Delta(extra, outcome);
    }

    private static List<Integer> voters() {
        return IntStream.rangeClosed(1, NODES).boxed().toList();
    }

    /**
     * The leader of the first range, once a running voter names one and that node, asked itself, agrees (so it is up
     * and answering clients, not a leader of the past); waits for one.
     */
    private static int awaitLeader(DevCluster cluster, IntFunction<NodeClient> client, Deadline deadline)
            throws InterruptedException {
        while (true) {
            deadline.check("waiting for a leader");
            for (int node : voters()) {
                try {
                    long named = cluster.isRunning(node)
                            ? client.apply(node).status().getLeader()
                            : 0;
                    if (named >= 1
                            && named <= NODES
                            && cluster.isRunning((int) named)
                            && client.apply((int) named).status().getLeader() == named) {
                        return (int) named;
                    }
                } catch (StatusRuntimeException e) {
                    // Starting or restarting: ask the next one.
                }
            }
            Thread.sleep(100);
        }
    }

    /**
     * Checks that node {@code node} holds what the leader holds: the same number of keys ({@code keys}, all that was
     * loaded) and the same HashKV checksum of the history at the leader's revision, both read from each node's own
     * copy. Fails with what differs; prints a line when all agrees.
     */
    private static void verify(
            DevCluster cluster, IntFunction<NodeClient> client, int node, long keys, Deadline deadline, PrintWriter out)
            throws InterruptedException {
        int leader = awaitLeader(cluster, client, deadline);
        RangeResponse atLeader = client.apply(leader).countLocally();
        if (atLeader.getCount() != keys) {
            throw new IllegalStateException("the leader (node " + leader + ") holds " + atLeader.getCount() + " keys; "
                    + keys + " were loaded");
        }
        long revision = atLeader.getHeader().getRevision();
        RangeResponse atNode;
        int nodeHash;
        try {
            atNode = client.apply(node).countLocally();
            nodeHash = client.apply(node).hash(revision);
        } catch (StatusRuntimeException e) {
            throw new IllegalStateException(
                    "node " + node + " does not hold the data: it does not answer (" + e.getStatus() + ")", e);
        }
        if (atNode.getCount() != keys) {
            throw new IllegalStateException("node " + node + " does not hold the data: it has " + atNode.getCount()
                    + " keys, the leader " + keys);
        }
        int leaderHash = client.apply(leader).hash(revision);
        if (nodeHash != leaderHash) {
            throw new IllegalStateException("node " + node + " does not hold the data: its hash at revision " + revision
                    + " is " + nodeHash + ", the leader's " + leaderHash);
        }
        out.printf("node %d holds the same %d keys as the leader, with the same hash%n", node, keys);
        out.flush();
    }

    /** Times {@code cp -r} of {@code from} to {@code to}, then deletes the copy. */
    private static double timeCp(Path from, Path to) throws IOException, InterruptedException {
        long started = System.nanoTime();
        DataDirectories.runTool("cp", "-r", from.toString(), to.toString());
        double seconds = (System.nanoTime() - started) / 1e9;
        DataDirectories.deleteRecursively(to);
        return seconds;
    }

    /** Distinct loopback ports that were free a moment ago: all are held open together, then released. */
    private static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    private String summary(
            long keys,
            long dataBytes,
            long snapshotBytes,
            double loadSeconds,
            CatchupWatch.Outcome catchup,
            double cpSeconds,
            NaiveBaseline.Result naive,
            Optional<Delta> deltaRun) {
        StringBuilder json = new StringBuilder(String.format(
                Locale.ROOT,
                "{\"benchmark\":\"catchup\",\"data_gb\":%s,\"value_bytes\":%d,\"keys\":%d,\"data_bytes\":%d,"
                        + "\"snapshot_bytes\":%d,\"load_seconds\":%.3f,\"catchup_seconds\":%.3f,\"mb_per_sec\":%.1f,"
                        + "\"cp_seconds\":%.3f,\"naive_seconds\":%.3f,\"ratio_to_cp\":%.3f,\"ratio_to_naive\":%.3f,"
                        + "\"first_answer_seconds\":%.3f,\"naive_pairs\":%d,\"received_bytes\":%d,\"bytes_source\":\"%s\"",
                dataGb,
                valueBytes,
                keys,
                dataBytes,
                snapshotBytes,
                loadSeconds,
                catchup.seconds(),
                snapshotBytes / 1e6 / catchup.seconds(),
                cpSeconds,
                naive.seconds(),
                catchup.seconds() / cpSeconds,
                naive.seconds() / catchup.seconds(),
                catchup.firstAnswerSeconds(),
                naive.pairs(),
                catchup.receivedBytes(),
                catchup.bytesSource()));
        OptionalLong sent = catchup.sentBytes();
        json.append(String.format(
                Locale.ROOT,
                ",\"bytes_sent_ratio\":%.4f,\"bytes_sent_source\":\"%s\"",
                (double) sent.orElse(catchup.receivedBytes()) / snapshotBytes,
                sent.isPresent() ? "sender_counter" : catchup.bytesSource()));
        killReceiverAt.ifPresent(f -> json.append(String.format(Locale.ROOT, ",\"kill_receiver_at\":%.2f", f)));
        killSenderAt.ifPresent(f -> json.append(String.format(Locale.ROOT, ",\"kill_sender_at\":%.2f", f)));
        deltaRun.ifPresent(d -> json.append(String.format(
                Locale.ROOT,
                ",\"delta_keys\":%d,\"delta_seconds\":%.3f,\"delta_bytes\":%d,\"delta_ratio\":%.4f,"
                        + "\"delta_bytes_source\":\"%s\"",
                d.keys(),
                d.outcome().seconds(),
                d.outcome().receivedBytes(),
                (double) d.outcome().receivedBytes() / snapshotBytes,
                d.outcome().bytesSource())));
        return json.append(",\"verified\":true}").toString();
    }
}
