package dev.flotilla.snapshot.fetch;

import dev.flotilla.snapshot.FetchRequest;
import dev.flotilla.snapshot.SnapshotFetcher;
import dev.flotilla.snapshot.SnapshotFetcherConfig;
import dev.flotilla.snapshot.SnapshotTransfer;
import dev.flotilla.snapshot.flow.Bandwidth;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link SnapshotFetcher} with blocking sockets: a pool of {@code maxConcurrentReceives} coordinator threads (queued
 * transfers wait for one), plus one thread per stream of a running transfer, plus the watchdog. On a 2-core machine the
 * streams are I/O bound: the kernel copies, the JVM checksums with the CPU's CRC32C instruction.
 */
public final class PullingFetcher implements SnapshotFetcher {
    private final SnapshotFetcherConfig config;
    private final Bandwidth nodeBandwidth;
    private final Watchdog watchdog = new Watchdog();
    private final PlantedBug plantedBug = PlantedBug.fromSystemProperty();
    private final Set<Transfer> running = ConcurrentHashMap.newKeySet();
    private final ExecutorService coordinators;

    public PullingFetcher(SnapshotFetcherConfig config) {
        this.config = config;
        this.nodeBandwidth = new Bandwidth(config.nodeBytesPerSecond());
        AtomicInteger threads = new AtomicInteger();
        this.coordinators = Executors.newFixedThreadPool(config.maxConcurrentReceives(), r -> {
            Thread thread = new Thread(r, "flotilla-snapshot-fetch-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public SnapshotTransfer fetch(FetchRequest request) {
        Transfer transfer = new Transfer(request, config, nodeBandwidth, watchdog, plantedBug);
        running.add(transfer);
        transfer.result().whenComplete((manifest, error) -> running.remove(transfer));
        coordinators.execute(transfer::run);
        return transfer;
    }

    @Override
    public void setNodeBytesPerSecond(long bytesPerSecond) {
        nodeBandwidth.set(bytesPerSecond);
    }

    @Override
    public void close() {
        running.forEach(Transfer::cancel);
        coordinators.shutdown();
        watchdog.close();
    }
}
