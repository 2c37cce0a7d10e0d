package dev.flotilla.snapshot;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * A receiver in its own JVM, for kill tests: {@code FetchProcess TARGET PORT SNAPSHOT-ID BYTES-PER-SECOND}. Prints
 * {@code progress DONE TOTAL} after each chunk, then {@code done FETCHED} or {@code failed MESSAGE}.
 */
public final class FetchProcess {
    public static void main(String[] args) throws Exception {
        Path target = Path.of(args[0]);
        InetSocketAddress source = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1]));
        SnapshotFetcherConfig config = SnapshotFetcherConfig.defaults().withSyncEveryBytes(1 << 20);
        try (SnapshotFetcher fetcher = SnapshotFetcher.create(config)) {
            SnapshotTransfer transfer =
                    fetcher.fetch(FetchRequest.of(target, List.of(new SnapshotLocation(source, args[2])))
                            .withBytesPerSecond(Long.parseLong(args[3]))
                            .withListener(p -> System.out.println("progress " + p.doneBytes() + " " + p.totalBytes())));
            try {
                transfer.result().get();
                System.out.println("done " + transfer.progress().fetchedBytes());
            } catch (ExecutionException e) {
                System.out.println("failed " + e.getCause().getMessage());
            }
        }
    }
}
