package dev.flotilla.transport;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The nodes of the cluster and where they listen, as the runtime currently knows them. Membership may change at run
 * time; the transport asks again whenever it needs to know.
 *
 * <p>Called from transport I/O threads and from threads calling {@link Transport#send}: must be thread-safe, fast
 * and non-blocking (a lookup in a concurrent map).
 */
@FunctionalInterface
public interface ClusterMembers {
    /** Where node {@code nodeId} listens, or empty if it is not a member of the cluster. */
    Optional<InetSocketAddress> addressOf(long nodeId);
}
