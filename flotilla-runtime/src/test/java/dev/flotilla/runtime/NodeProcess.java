package dev.flotilla.runtime;

import dev.flotilla.log.LogEngine;
import dev.flotilla.log.LogEngineConfig;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.RaftConfig;
import dev.flotilla.transport.TransportConfig;
import dev.flotilla.transport.netty.NettyTransport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * One node in its own JVM, for crash tests: {@code NodeProcess NODE-ID DATA-DIR GROUPS PORT1,PORT2,... [ack-on-submit]}.
 * The last argument plants a bug in the client: it reports a write as acknowledged as soon as it is submitted.
 *
 * <p>It hosts groups 1..GROUPS with every node as a voter and writes to them round-robin, keys unique to this node,
 * printing {@code ack GROUP KEY VALUE} for every acknowledged write. On standard input: {@code stop} ends the writes,
 * {@code dump} prints {@code dump GROUP k=v;k=v...} for every group (then {@code dumped}); {@code status GROUP} prints
 * {@code status GROUP <the replica's status>} (for diagnosing a test failure).
 */
public final class NodeProcess {
    private static final int OUTSTANDING_WRITES = 32;

    public static void main(String[] args) throws Exception {
        long nodeId = Long.parseLong(args[0]);
        Path dataDir = Path.of(args[1]);
        int groupCount = Integer.parseInt(args[2]);
        String[] ports = args[3].split(",");
        boolean ackOnSubmit = args.length > 4 && args[4].equals("ack-on-submit");
        Map<Long, java.net.InetSocketAddress> addresses = new HashMap<>();
        for (int i = 0; i < ports.length; i++) {
            addresses.put(i + 1L, new java.net.InetSocketAddress("127.0.0.1", Integer.parseInt(ports[i])));
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Map<Long, InMemoryStateMachine> machines = new ConcurrentHashMap<>();
        RaftNode node = RaftNode.start(
                new RaftNodeConfig(
                        RaftConfig.defaults(nodeId).withElectionTicks(10, 1),
                        Duration.ofMillis(10),
                        Duration.ofSeconds(3),
                        10_000,
                        1_000),
                LogEngine.open(LogEngineConfig.defaults(dataDir).withSegmentSizeBytes(4 << 20)),
                new NettyTransport(
                        TransportConfig.defaults(nodeId, TestCluster.CLUSTER_ID, addresses.get(nodeId)),
                        id -> Optional.ofNullable(addresses.get(id))),
                group -> machines.computeIfAbsent(group, g -> new InMemoryStateMachine()));
        Membership members = Membership.ofVoters(Set.copyOf(addresses.keySet()));
        for (long g = 1; g <= groupCount; g++) {
            node.createGroup(g, members).join();
        }
        out.println("ready");

        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> write(node, nodeId, groupCount, writing, ackOnSubmit, out), "writer");
        writer.start();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.equals("stop")) {
                writing.set(false);
                writer.join();
                out.println("stopped");
            } else if (line.equals("dump")) {
                for (long g = 1; g <= groupCount; g++) {
                    InMemoryStateMachine machine = machines.get(g);
                    String contents = machine == null
                            ? ""
                            : machine.contents().entrySet().stream()
                                    .map(e -> e.getKey() + "=" + e.getValue())
                                    .collect(Collectors.joining(";"));
                    out.println("dump " + g + " " + contents);
                }
                out.println("dumped");
            } else if (line.startsWith("status ")) {
                long group = Long.parseLong(line.substring("status ".length()));
                out.println("status " + group + " " + node.status(group).join());
            }
        }
        node.close();
    }

    private static void write(
            RaftNode node, long nodeId, int groupCount, AtomicBoolean writing, boolean ackOnSubmit, PrintStream out) {
        Semaphore outstanding = new Semaphore(OUTSTANDING_WRITES);
        AtomicBoolean failedRecently = new AtomicBoolean();
        long seq = 0;
        while (writing.get()) {
            try {
                outstanding.acquire();
                // Like any client, back off after a failure: a node without a reachable leader fails at once.
                if (failedRecently.getAndSet(false)) {
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                return;
            }
            seq++;
            long group = 1 + seq % groupCount;
            String key = "n" + nodeId + "-" + seq;
            String value = "v" + seq;
            if (ackOnSubmit) {
                out.println("ack " + group + " " + key + " " + value);
            }
            node.propose(group, InMemoryStateMachine.put(key, value)).whenComplete((result, error) -> {
                if (error == null && !ackOnSubmit) {
                    out.println("ack " + group + " " + key + " " + value);
                } else if (error != null) {
                    failedRecently.set(true);
                }
                outstanding.release();
            });
        }
        outstanding.acquireUninterruptibly(OUTSTANDING_WRITES);
    }
}
