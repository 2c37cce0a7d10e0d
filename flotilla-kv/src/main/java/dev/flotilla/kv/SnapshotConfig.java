package dev.flotilla.kv;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * How a server's ranges compact their logs and ship snapshots (docs/kv-server.md, "Range snapshots").
 *
 * @param listenAddress where the node's snapshot server listens for followers that fetch a range's table files; empty:
 *     the host of this node's peer address in the initial cluster (the one peers reach; the peer listen address may be
 *     a wildcard), on a free port (the port travels with each snapshot, so any port works). It must be an address
 *     peers reach, not a wildcard
 * @param compactionThresholdEntries a range's log is compacted once this many of its entries are durable in RocksDB;
 *     a follower that then needs them gets a snapshot
 */
public record SnapshotConfig(Optional<InetSocketAddress> listenAddress, long compactionThresholdEntries) {
    public SnapshotConfig {
        Objects.requireNonNull(listenAddress, "listenAddress");
        listenAddress.ifPresent(address -> {
            if (address.getAddress() != null && address.getAddress().isAnyLocalAddress()) {
                throw new IllegalArgumentException(
                        "listenAddress " + address + " is a wildcard; followers need an address they can connect to");
            }
        });
        if (compactionThresholdEntries < 1) {
            throw new IllegalArgumentException(
                    "compactionThresholdEntries must be positive, was " + compactionThresholdEntries);
        }
    }

    /** A free port on the peer host; compaction every 10,000 durable entries. */
    public static SnapshotConfig defaults() {
        return new SnapshotConfig(Optional.empty(), 10_000);
    }

    /** The address to listen on, given the address peers reach this node at. */
    public InetSocketAddress listenAddress(InetSocketAddress peerAddress) {
        return listenAddress.orElseGet(() -> new InetSocketAddress(peerAddress.getHostString(), 0));
    }
}
