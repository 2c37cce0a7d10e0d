package dev.flotilla.bench.snapshot;

import dev.flotilla.snapshot.FetchRequest;
import dev.flotilla.snapshot.SnapshotFetcher;
import dev.flotilla.snapshot.SnapshotFetcherConfig;
import dev.flotilla.snapshot.SnapshotLocation;
import dev.flotilla.snapshot.SnapshotTransfer;
import dev.flotilla.snapshot.TransferProgress;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The receiving node of {@code flotilla bench snapshot}, in its own JVM so that it can be killed: {@code
 * SnapshotReceiverProcess TARGET PORT SNAPSHOT-ID STREAMS IN-FLIGHT}. Prints {@code progress DONE TOTAL} about every
 * percent, then {@code done NANOS FETCHED} (time from the fetch call to the verified result) or {@code failed MESSAGE}.
 */
public final class SnapshotReceiverProcess {
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        SnapshotLocation source =
                new SnapshotLocation(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1])), args[2]);
        SnapshotFetcherConfig config =
                SnapshotFetcherConfig.defaults().withStreams(Integer.parseInt(args[3]), Integer.parseInt(args[4]));
        AtomicLong nextReport = new AtomicLong();
        try (SnapshotFetcher fetcher = SnapshotFetcher.create(config)) {
            long started = System.nanoTime();
            SnapshotTransfer transfer = fetcher.fetch(
                    FetchRequest.of(Path.of(args[0]), List.of(source)).withListener(p -> report(out, p, nextReport)));
            try {
                transfer.result().get();
                out.println("done " + (System.nanoTime() - started) + " "
                        + transfer.progress().fetchedBytes());
            } catch (java.util.concurrent.ExecutionException e) {
                out.println("failed " + e.getCause().getMessage());
            }
        }
    }

    private static void report(PrintStream out, TransferProgress p, AtomicLong nextReport) {
        long next = nextReport.get();
        if (p.doneBytes() >= next && nextReport.compareAndSet(next, p.doneBytes() + p.totalBytes() / 100)) {
            out.println("progress " + p.doneBytes() + " " + p.totalBytes());
        }
    }
}
