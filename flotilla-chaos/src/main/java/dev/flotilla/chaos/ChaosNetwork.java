package dev.flotilla.chaos;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;

/**
 * The network between the nodes of a chaos run, which the run can cut. Clients always reach every node; only traffic
 * between nodes is cut. Methods are called from one thread at a time, except {@link #close}, which a shutdown hook may
 * call at any moment and which is idempotent.
 */
sealed interface ChaosNetwork extends AutoCloseable permits NamespaceNetwork, ProxyNetwork {
    /** {@code netns} or {@code proxy}, as the summary names it. */
    String name();

    /** Where node {@code node} serves clients. */
    InetSocketAddress clientAddress(int node);

    /** Where node {@code node} listens for other nodes. */
    InetSocketAddress peerListenAddress(int node);

    /** The address node {@code self} dials to reach node {@code member}: the {@code initial-cluster} entry it gets. */
    InetSocketAddress peerAddressSeenBy(int self, int member);

    /** What a node's command line starts with (entering its namespace, or nothing). */
    List<String> launchPrefix(int node);

    /** Drops everything sent over {@code links} from now on, and heals every link not in it. */
    void cut(Set<Link> links) throws InterruptedException;

    /** Removes what the network set up; safe to call twice and from a shutdown hook. */
    @Override
    void close();
}
