package dev.flotilla.chaos;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Every node on loopback, and every direction between two nodes through its own {@link LinkProxy} in this process:
 * node A's {@code initial-cluster} names, for node B, the proxy of the link A → B. Needs no privileges. Cutting a link
 * closes its connections (a reset, not a silent drop).
 */
final class ProxyNetwork implements ChaosNetwork {
    private static final int LOWEST_PORT = 20_000;
    private static final int HIGHEST_PORT = 32_000;

    private final List<InetSocketAddress> clientAddresses;
    private final List<InetSocketAddress> peerAddresses;
    private final Map<Link, LinkProxy> proxies;
    private boolean closed;

    private ProxyNetwork(
            List<InetSocketAddress> clientAddresses,
            List<InetSocketAddress> peerAddresses,
            Map<Link, LinkProxy> proxies) {
        this.clientAddresses = clientAddresses;
        this.peerAddresses = peerAddresses;
        this.proxies = proxies;
    }

    static ProxyNetwork create(int nodes) throws IOException {
        List<InetSocketAddress> clients = freeLoopbackAddresses(nodes);
        List<InetSocketAddress> peers = freeLoopbackAddresses(nodes);
        Map<Link, LinkProxy> proxies = new HashMap<>();
        ProxyNetwork network = new ProxyNetwork(clients, peers, proxies);
        try {
            for (int from = 1; from <= nodes; from++) {
                for (int to = 1; to <= nodes; to++) {
                    if (from != to) {
                        Link link = new Link(from, to);
                        proxies.put(link, new LinkProxy(link, peers.get(to - 1)));
                    }
                }
            }
            return network;
        } catch (IOException | RuntimeException e) {
            network.close();
            throw e;
        }
    }

    /**
     * Ports below Linux's default ephemeral range (32768 and up) that could be bound just now. Ports the kernel hands
     * out itself would not do: a node restarted later could find its port taken by someone's outgoing connection.
     */
    private static List<InetSocketAddress> freeLoopbackAddresses(int count) throws IOException {
        List<InetSocketAddress> addresses = new ArrayList<>();
        Random random = new Random();
        for (int attempt = 0; addresses.size() < count; attempt++) {
            if (attempt > 1_000) {
                throw new IOException("found no free loopback port between " + LOWEST_PORT + " and " + HIGHEST_PORT);
            }
            int port = LOWEST_PORT + random.nextInt(HIGHEST_PORT - LOWEST_PORT);
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
                if (!addresses.contains(address)) {
                    addresses.add(address);
                }
            } catch (IOException e) {
                // Taken: try another.
            }
        }
        return addresses;
    }

    @Override
    public String name() {
        return "proxy";
    }

    @Override
    public InetSocketAddress clientAddress(int node) {
        return clientAddresses.get(node - 1);
    }

    @Override
    public InetSocketAddress peerListenAddress(int node) {
        return peerAddresses.get(node - 1);
    }

    @Override
    public InetSocketAddress peerAddressSeenBy(int self, int member) {
        return self == member
                ? peerListenAddress(member)
                : proxies.get(new Link(self, member)).address();
    }

    @Override
    public List<String> launchPrefix(int node) {
        return List.of();
    }

    @Override
    public synchronized void cut(Set<Link> links) {
        proxies.forEach((link, proxy) -> {
            if (links.contains(link)) {
                proxy.cut();
            } else {
                proxy.heal();
            }
        });
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            proxies.values().forEach(LinkProxy::close);
        }
    }
}
