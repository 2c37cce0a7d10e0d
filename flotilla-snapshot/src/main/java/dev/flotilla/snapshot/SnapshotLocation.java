package dev.flotilla.snapshot;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A snapshot a receiver may pull: which sender, and that sender's id for it. Different replicas may offer different
 * snapshots of the same group; the receiver reuses every file they have in common.
 */
public record SnapshotLocation(InetSocketAddress address, String snapshotId) {
    public SnapshotLocation {
        Objects.requireNonNull(address, "address");
        SnapshotFile.checkName(snapshotId);
    }
}
