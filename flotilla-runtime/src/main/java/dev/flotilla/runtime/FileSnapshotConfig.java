package dev.flotilla.runtime;

import dev.flotilla.snapshot.SnapshotFetcherConfig;
import dev.flotilla.snapshot.SnapshotManifest;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of a node's file snapshots (docs/runtime.md, "File snapshots").
 *
 * @param directory where the node keeps snapshots: {@code out/} holds the ones it serves as a leader, {@code
 *     in/<group>/} the ones it fetches and installs
 * @param listenAddress where the node's snapshot server listens; port 0 picks a free one. Its host is what the node
 *     tells followers to connect to, so it must be an address peers reach, not a wildcard
 * @param chunkBytes the unit of transfer and of chunk checksums of the snapshots this node publishes
 * @param fetcher settings of the node's receiving side (streams, timeouts, bandwidth)
 */
public record FileSnapshotConfig(
        Path directory, InetSocketAddress listenAddress, int chunkBytes, SnapshotFetcherConfig fetcher) {
    /** 1 MiB chunks: small enough to resume close to where a transfer stopped, large enough for few requests. */
    public static final int DEFAULT_CHUNK_BYTES = 1 << 20;

    public FileSnapshotConfig {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(fetcher, "fetcher");
        if (listenAddress.getAddress() != null && listenAddress.getAddress().isAnyLocalAddress()) {
            throw new IllegalArgumentException("the snapshot listen address " + listenAddress
                    + " is a wildcard; followers need an address they can connect to");
        }
        if (chunkBytes < SnapshotManifest.MIN_CHUNK_BYTES || chunkBytes > SnapshotManifest.MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("chunkBytes must be in [" + SnapshotManifest.MIN_CHUNK_BYTES + ", "
                    + SnapshotManifest.MAX_CHUNK_BYTES + "], was " + chunkBytes);
        }
    }

    /** 1 MiB chunks and the fetcher's defaults. */
    public static FileSnapshotConfig defaults(Path directory, InetSocketAddress listenAddress) {
        return new FileSnapshotConfig(directory, listenAddress, DEFAULT_CHUNK_BYTES, SnapshotFetcherConfig.defaults());
    }
}
