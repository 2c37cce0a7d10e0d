package dev.flotilla.chaos;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Each node in its own network namespace ({@code flotilla-chaos-N}), joined to a bridge in the root namespace by a
 * veth pair, on the private address {@code 10.201.0.N}; the bridge has {@code 10.201.0.254}, so clients in the root
 * namespace reach every node. A cut link {@code A → B} is an iptables rule in A's namespace that drops its packets to
 * B's address; rules live in the namespaces and vanish with them. Needs root, {@code ip} and {@code iptables}.
 *
 * <p>Only one namespace network exists on a host at a time: it holds an exclusive lock on {@value #LOCK_FILE} for its
 * life. Whoever takes the lock first removes anything a crashed earlier run left: its namespaces (killing the
 * processes inside them), the bridge and the veths, all recognized by their names.
 */
final class NamespaceNetwork implements ChaosNetwork {
    static final String NAMESPACE_PREFIX = "flotilla-chaos-";
    static final String LINK_PREFIX = "fchaos-";
    private static final String BRIDGE = LINK_PREFIX + "br";
    private static final String SUBNET = "10.201.0.";
    private static final int BRIDGE_HOST = 254;
    private static final String LOCK_FILE = "/tmp/flotilla-chaos-netns.lock";
    static final int CLIENT_PORT = 2379;
    static final int PEER_PORT = 2380;

    private final int nodes;
    private final FileChannel lockFile;
    private final FileLock lock;
    private boolean closed;

    private NamespaceNetwork(int nodes, FileChannel lockFile, FileLock lock) {
        this.nodes = nodes;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    /** Whether this host can run it: root, with {@code ip netns} and {@code iptables} working. */
    static boolean available() throws InterruptedException {
        return "root".equals(System.getProperty("user.name"))
                && HostCommand.tryRun(List.of("ip", "netns", "list")).exitCode() == 0
                && HostCommand.tryRun(List.of("iptables", "--version")).exitCode() == 0;
    }

    /** Waits for the host's lock, removes leftovers of an earlier run, and builds the namespaces and the bridge. */
    static NamespaceNetwork create(int nodes) throws IOException, InterruptedException {
        if (nodes > 200) {
            throw new IllegalArgumentException("at most 200 nodes fit the subnet, not " + nodes);
        }
        FileChannel channel = FileChannel.open(Path.of(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        NamespaceNetwork network = new NamespaceNetwork(nodes, channel, channel.lock());
        try {
            removeLeftovers();
            network.build();
            return network;
        } catch (RuntimeException | InterruptedException e) {
            network.close();
            throw e;
        }
    }

    private void build() throws InterruptedException {
        HostCommand.run(List.of("ip", "link", "add", BRIDGE, "type", "bridge"));
        HostCommand.run(List.of("ip", "addr", "add", SUBNET + BRIDGE_HOST + "/24", "dev", BRIDGE));
        HostCommand.run(List.of("ip", "link", "set", BRIDGE, "up"));
        for (int node = 1; node <= nodes; node++) {
            String namespace = namespace(node);
            String hostEnd = LINK_PREFIX + "h" + node;
            HostCommand.run(List.of("ip", "netns", "add", namespace));
            HostCommand.run(
                    List.of("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", "eth0", "netns", namespace));
            HostCommand.run(List.of("ip", "link", "set", hostEnd, "master", BRIDGE, "up"));
            HostCommand.run(List.of("ip", "-n", namespace, "addr", "add", SUBNET + node + "/24", "dev", "eth0"));
            HostCommand.run(List.of("ip", "-n", namespace, "link", "set", "eth0", "up"));
            HostCommand.run(List.of("ip", "-n", namespace, "link", "set", "lo", "up"));
        }
    }

    /** Removes the namespaces, bridge and veths named with this network's prefixes, and the processes inside. */
    static void removeLeftovers() throws InterruptedException {
        for (String line : HostCommand.run(List.of("ip", "netns", "list")).split("\n")) {
            String namespace = line.strip().split(" ")[0];
            if (!namespace.startsWith(NAMESPACE_PREFIX)) {
                continue;
            }
            for (String pid :
                    HostCommand.run(List.of("ip", "netns", "pids", namespace)).split("\\s+")) {
                if (!pid.isBlank()) {
                    HostCommand.tryRun(List.of("kill", "-9", pid.strip()));
                }
            }
            HostCommand.tryRun(List.of("ip", "netns", "del", namespace));
        }
        for (String line : HostCommand.run(List.of("ip", "-o", "link", "show")).split("\n")) {
            // "7: fchaos-h1@if2: <BROADCAST,..." — the name ends at '@' or ':'.
            String[] fields = line.split(":\\s+", 3);
            if (fields.length < 2) {
                continue;
            }
            String name = fields[1].split("@")[0];
            if (name.startsWith(LINK_PREFIX)) {
                HostCommand.tryRun(List.of("ip", "link", "del", name));
            }
        }
    }

    static String namespace(int node) {
        return NAMESPACE_PREFIX + node;
    }

    private static String address(int node) {
        return SUBNET + node;
    }

    @Override
    public String name() {
        return "netns";
    }

    @Override
    public InetSocketAddress clientAddress(int node) {
        return new InetSocketAddress(address(node), CLIENT_PORT);
    }

    @Override
    public InetSocketAddress peerListenAddress(int node) {
        return new InetSocketAddress(address(node), PEER_PORT);
    }

    @Override
    public InetSocketAddress peerAddressSeenBy(int self, int member) {
        return peerListenAddress(member);
    }

    @Override
    public List<String> launchPrefix(int node) {
        return List.of("ip", "netns", "exec", namespace(node));
    }

    @Override
    public void cut(Set<Link> links) throws InterruptedException {
        for (int node = 1; node <= nodes; node++) {
            inNamespace(node, List.of("iptables", "-F", "OUTPUT"));
        }
        for (Link link : new HashSet<>(links)) {
            inNamespace(link.from(), List.of("iptables", "-A", "OUTPUT", "-d", address(link.to()), "-j", "DROP"));
        }
    }

    private static void inNamespace(int node, List<String> command) throws InterruptedException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace(node)));
        full.addAll(command);
        HostCommand.run(full);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            removeLeftovers();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                lock.release();
                lockFile.close();
            } catch (IOException e) {
                // The lock goes with the process anyway.
            }
        }
    }
}
