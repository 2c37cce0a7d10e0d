package dev.flotilla.bench.catchup;

import dev.flotilla.kv.cli.DevCluster;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.IntFunction;

/**
 * Watches a node catch up: polls it until its applied index reaches a target, totals the bytes it received and the
 * bytes the other nodes sent, prints progress, and carries out a planned kill on the way. Bytes come from the
 * snapshot layer's Prometheus counters ({@value #RECEIVED}, {@value #SENT}) when the nodes export them; without the
 * receiver's counter, from the growth of the receiving node's data directory (the disk space of its Raft log and store), which
 * also counts log entries that arrived outside a snapshot, so it is only an estimate. Runs on the caller's thread.
 */
final class CatchupWatch {
    static final String RECEIVED = "flotilla_snapshot_received_bytes_total";
    static final String SENT = "flotilla_snapshot_sent_bytes_total";

    private static final long POLL_MILLIS = 200;
    private static final long REPORT_EVERY_NANOS = 2_000_000_000L;

    /** Kill -9 the receiving node, or the leader, once this fraction of the expected bytes has arrived. */
    record Kill(Victim victim, double fraction) {}

    enum Victim {
        RECEIVER,
        SENDER
    }

    /**
     * How the catch-up went: {@code seconds} from the start of the node's process until it applied the target, of
     * which {@code firstAnswerSeconds} until it first answered a client (the process and server starting). {@code sentBytes} is empty when no node exports the sender counter; {@code killedSender}
     * names the leader killed (and not restarted) on the way.
     */
    record Outcome(
            double seconds,
            double firstAnswerSeconds,
            long receivedBytes,
            String bytesSource,
            OptionalLong sentBytes,
            Optional<Integer> killedSender) {}

    private final DevCluster cluster;
    private final IntFunction<NodeClient> clients;
    private final List<String> jvmOptions;
    private final PrintWriter progress;

    /** {@code clients} gives the client of each node of {@code cluster} by number. */
    CatchupWatch(DevCluster cluster, IntFunction<NodeClient> clients, List<String> jvmOptions, PrintWriter progress) {
        this.cluster = cluster;
        this.clients = clients;
        this.jvmOptions = jvmOptions;
        this.progress = progress;
    }

    /** Reads the sender counters of {@code senders} now, before a transfer, as the base of its bytes sent. */
    Senders sendersBefore(List<Integer> senders) throws InterruptedException {
        List<ByteTally> tallies = new ArrayList<>();
        long base = 0;
        for (int node : senders) {
            ByteTally tally = ByteTally.ofCounter();
            OptionalDouble sent = clients.apply(node).metric(SENT);
            if (sent.isPresent()) {
                tally.observe((long) sent.getAsDouble());
                base += tally.total();
            }
            tallies.add(tally);
        }
        return new Senders(List.copyOf(senders), tallies, base);
    }

    /** The nodes that may send to the joining node, and their counters' totals. */
    record Senders(List<Integer> nodes, List<ByteTally> tallies, long base) {}

    /**
     * Waits until node {@code receiver} (already started, {@code startedNanos} ago) has applied index {@code target}.
     * {@code expectedBytes} is what a full transfer would move, for the progress lines and the kill fraction.
     */
    Outcome await(
            int receiver,
            long target,
            long expectedBytes,
            Senders senders,
            Optional<Kill> kill,
            long startedNanos,
            Deadline deadline)
            throws InterruptedException, IOException {
        ByteTally counter = ByteTally.ofCounter();
        ByteTally directory = ByteTally.ofSize();
        long base = dataBytes(receiver);
        Optional<Kill> pending = kill;
        Optional<Integer> killedSender = Optional.empty();
        long nextReport = System.nanoTime();
        double firstAnswer = -1;
        while (true) {
            deadline.check("waiting for node " + receiver + " to catch up (applied index " + target + ")");
            if (!cluster.isRunning(receiver)) {
                throw new IllegalStateException(
                        "node " + receiver + " exited while catching up; see " + cluster.logFile(receiver));
            }
            OptionalLong answer = applied(receiver);
            if (answer.isPresent() && firstAnswer < 0) {
                firstAnswer = (System.nanoTime() - startedNanos) / 1e9;
            }
            long applied = answer.orElse(0);
            clients.apply(receiver).metric(RECEIVED).ifPresent(v -> counter.observe((long) v));
            directory.observe(Math.max(0, dataBytes(receiver) - base));
            for (int i = 0; i < senders.nodes().size(); i++) {
                int node = senders.nodes().get(i);
                if (cluster.isRunning(node)) {
                    ByteTally tally = senders.tallies().get(i);
                    clients.apply(node).metric(SENT).ifPresent(v -> tally.observe((long) v));
                }
            }
            ByteTally arrived = counter.seen() ? counter : directory;
            if (applied >= target) {
                double seconds = (System.nanoTime() - startedNanos) / 1e9;
                boolean anySent = senders.tallies().stream().anyMatch(ByteTally::seen);
                long sent =
                        senders.tallies().stream().mapToLong(ByteTally::total).sum() - senders.base();
                return new Outcome(
                        seconds,
                        firstAnswer,
                        arrived.total(),
                        counter.seen() ? "counter" : "data_dir",
                        anySent ? OptionalLong.of(sent) : OptionalLong.empty(),
                        killedSender);
            }
            if (pending.isPresent() && arrived.total() >= pending.get().fraction() * expectedBytes) {
                killedSender = carryOut(pending.get(), receiver, arrived.total());
                pending = Optional.empty();
            }
            if (System.nanoTime() >= nextReport) {
                nextReport = System.nanoTime() + REPORT_EVERY_NANOS;
                progress.printf(
                        Locale.ROOT,
                        "catch-up: node %d %s of %d, %.1f MB of about %.1f MB arrived (%s), %.0f s%n",
                        receiver,
                        answer.isPresent() ? "applied " + applied : "not answering yet, target",
                        target,
                        arrived.total() / 1e6,
                        expectedBytes / 1e6,
                        counter.seen() ? RECEIVED : "data directory",
                        (System.nanoTime() - startedNanos) / 1e9);
                progress.flush();
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private Optional<Integer> carryOut(Kill kill, int receiver, long arrived) throws InterruptedException, IOException {
        if (kill.victim() == Victim.RECEIVER) {
            cluster.kill(receiver);
            progress.printf(
                    "killed node %d (the receiver, kill -9) at %.1f MB; restarting it%n", receiver, arrived / 1e6);
            cluster.restart(receiver, jvmOptions);
            return Optional.empty();
        }
        int leader = (int) clients.apply(receiver == 1 ? 2 : 1).status().getLeader();
        if (leader == 0 || leader == receiver) {
            throw new IllegalStateException("no leader to kill (node " + receiver + " reports leader " + leader + ")");
        }
        cluster.kill(leader);
        progress.printf("killed node %d (the leader, kill -9) at %.1f MB%n", leader, arrived / 1e6);
        return Optional.of(leader);
    }

    /** The node's applied index of the first range; empty while it does not answer (starting, restarting). */
    private OptionalLong applied(int node) {
        try {
            return OptionalLong.of(clients.apply(node).status().getRaftAppliedIndex());
        } catch (StatusRuntimeException e) {
            return OptionalLong.empty();
        }
    }

    private long dataBytes(int node) throws IOException, InterruptedException {
        return DirectorySize.allocated(List.of(cluster.nodeDir(node).resolve("log"), cluster.storeDir(node)));
    }
}
