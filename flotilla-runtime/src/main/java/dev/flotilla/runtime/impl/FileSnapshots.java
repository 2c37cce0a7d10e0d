package dev.flotilla.runtime.impl;

import dev.flotilla.raft.Membership;
import dev.flotilla.runtime.FileSnapshotConfig;
import dev.flotilla.runtime.FileSnapshotStateMachine;
import dev.flotilla.runtime.SnapshotTraffic;
import dev.flotilla.snapshot.DirectorySnapshotSource;
import dev.flotilla.snapshot.FetchRequest;
import dev.flotilla.snapshot.SnapshotFetcher;
import dev.flotilla.snapshot.SnapshotLocation;
import dev.flotilla.snapshot.SnapshotServer;
import dev.flotilla.snapshot.SnapshotServerConfig;
import dev.flotilla.snapshot.SnapshotTransfer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's file-snapshot resources, shared by its driver loops: the directory of snapshots it serves ({@code out/}),
 * the snapshot server, the fetcher, and the per-group directories of fetched snapshots ({@code in/<group>/}: {@code
 * staging} receives a fetch; a completed one is renamed to a directory of its own, which the log marker names).
 * Thread-safe. Checksumming, renaming and deleting run on one background thread, never on a driver thread.
 */
final class FileSnapshots implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FileSnapshots.class);
    private static final String STAGING = "staging";

    /** A snapshot this node serves. */
    record Published(String id, long index, long term, Membership membership) {}

    private final long nodeId;
    private final FileSnapshotConfig config;
    private final Path out;
    private final Path in;
    private final DirectorySnapshotSource source;
    private final SnapshotServer server;
    private final SnapshotFetcher fetcher;
    private final ExecutorService background;
    private final AtomicLong receivedBytes = new AtomicLong();

    private FileSnapshots(long nodeId, FileSnapshotConfig config) throws IOException {
        this.nodeId = nodeId;
        this.config = config;
        this.out = config.directory().resolve("out");
        this.in = config.directory().resolve("in");
        // What a previous life published is not known to the loops: followers that fetched from it ask again.
        deleteTree(out);
        Files.createDirectories(out);
        Files.createDirectories(in);
        this.source = new DirectorySnapshotSource(out);
        this.background = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "flotilla-node-" + nodeId + "-snapshots");
            thread.setDaemon(true);
            return thread;
        });
        this.server = SnapshotServer.start(SnapshotServerConfig.defaults(config.listenAddress()), source);
        this.fetcher = SnapshotFetcher.create(config.fetcher());
    }

    static FileSnapshots open(long nodeId, FileSnapshotConfig config) {
        try {
            return new FileSnapshots(nodeId, config);
        } catch (IOException e) {
            throw new UncheckedIOException("opening the snapshot directory " + config.directory() + " failed", e);
        }
    }

    /**
     * Driver thread: lets {@code stateMachine} capture its state at {@code index} now, and publishes the files once
     * written (checksummed on the background thread). The future completes on the background thread.
     */
    CompletableFuture<Published> create(
            long groupId, FileSnapshotStateMachine stateMachine, long index, long term, Membership membership) {
        String id = "g" + groupId + "-" + index + "-" + term;
        Path directory = out.resolve(id);
        try {
            deleteTree(directory); // a creation at the same index that failed before
            Files.createDirectories(directory);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        return stateMachine
                .writeSnapshot(directory)
                .thenApplyAsync(
                        written -> {
                            try {
                                source.publish(
                                        id,
                                        groupId,
                                        index,
                                        term,
                                        membership.toString().getBytes(StandardCharsets.UTF_8),
                                        config.chunkBytes());
                                return new Published(id, index, term, membership);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        },
                        background);
    }

    /** The handle a follower needs to pull {@code published} from this node. */
    byte[] handle(Published published) {
        return new SnapshotHandle.Remote(
                        config.listenAddress().getHostString(), server.address().getPort(), published.id())
                .encode();
    }

    boolean pinned(String snapshotId) {
        return source.pinCount(snapshotId) > 0;
    }

    /** Deletes a published snapshot in the background unless a transfer pins it; completes with whether it did. */
    CompletableFuture<Boolean> delete(String snapshotId) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return source.delete(snapshotId);
                    } catch (IOException e) {
                        LOG.warn("node {}: deleting snapshot {} failed", nodeId, snapshotId, e);
                        return false;
                    }
                },
                background);
    }

    /**
     * Fetches {@code handle} into the group's staging directory, resuming what it holds and reusing the files of the
     * snapshots installed before. On success the staging directory is renamed to a directory of its own, whose name
     * the result carries.
     */
    Fetch fetch(long groupId, SnapshotHandle.Remote handle, long index, long term) {
        Path group = in.resolve(Long.toString(groupId));
        AtomicLong seen = new AtomicLong();
        SnapshotTransfer transfer;
        try {
            Files.createDirectories(group);
            List<Path> installed = installedDirectories(groupId);
            transfer = fetcher.fetch(FetchRequest.of(
                            group.resolve(STAGING),
                            List.of(new SnapshotLocation(handle.address(), handle.snapshotId())))
                    .withReuse(installed)
                    .withListener(progress -> {
                        long before = seen.getAndAccumulate(progress.fetchedBytes(), Math::max);
                        if (progress.fetchedBytes() > before) {
                            receivedBytes.addAndGet(progress.fetchedBytes() - before);
                        }
                    }));
        } catch (IOException | RuntimeException e) {
            return new Fetch(Optional.empty(), CompletableFuture.failedFuture(e));
        }
        CompletableFuture<SnapshotHandle.Local> done =
                transfer.result().thenApplyAsync(manifest -> promote(group, index, term), background);
        return new Fetch(Optional.of(transfer), done);
    }

    /** A running fetch: the transfer (absent if it could not start) and its outcome, the installed directory. */
    record Fetch(Optional<SnapshotTransfer> transfer, CompletableFuture<SnapshotHandle.Local> result) {}

    private SnapshotHandle.Local promote(Path group, long index, long term) {
        String name = "s" + index + "-" + term + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
        try {
            Files.move(group.resolve(STAGING), group.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(group);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new SnapshotHandle.Local(name);
    }

    /** The directory a local handle names. */
    Path localDirectory(long groupId, SnapshotHandle.Local handle) {
        return in.resolve(Long.toString(groupId)).resolve(handle.directoryName());
    }

    /** After an install: deletes, in the background, the group's other fetched snapshots (not the staging one). */
    void keepOnly(long groupId, SnapshotHandle.Local installed) {
        background.execute(() -> {
            try {
                for (Path directory : installedDirectories(groupId)) {
                    if (!directory.getFileName().toString().equals(installed.directoryName())) {
                        deleteTree(directory);
                    }
                }
            } catch (IOException e) {
                LOG.warn("node {}: cleaning up the snapshots of group {} failed", nodeId, groupId, e);
            }
        });
    }

    private List<Path> installedDirectories(long groupId) throws IOException {
        Path group = in.resolve(Long.toString(groupId));
        if (!Files.isDirectory(group)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(group)) {
            return list.filter(p -> !p.getFileName().toString().equals(STAGING))
                    .sorted()
                    .toList();
        }
    }

    SnapshotTraffic traffic() {
        return new SnapshotTraffic(server.bytesSent(), receivedBytes.get());
    }

    @Override
    public void close() {
        fetcher.close();
        server.close();
        background.shutdown();
        try {
            background.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
