package dev.flotilla.kv.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.command.Command;
import dev.flotilla.kv.etcd.etcdserverpb.PutRequest;
import dev.flotilla.runtime.FileSnapshotStateMachine;
import dev.flotilla.snapshot.DirectorySnapshotSource;
import dev.flotilla.snapshot.FetchRequest;
import dev.flotilla.snapshot.SnapshotFetcher;
import dev.flotilla.snapshot.SnapshotFetcherConfig;
import dev.flotilla.snapshot.SnapshotLocation;
import dev.flotilla.snapshot.SnapshotManifest;
import dev.flotilla.snapshot.SnapshotServer;
import dev.flotilla.snapshot.SnapshotServerConfig;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Times each step of a range snapshot on real RocksDB and real loopback TCP: write the SST files, checksum them
 * (publish), fetch them, install them; and a plain copy of the same files for reference. Runs only when asked:
 * {@code -Dkv.snapshot.measure.mib=200}. Checks that the installed range equals the source.
 */
class RangeSnapshotMeasurement {
    @TempDir
    Path dir;

    @Test
    void measureSnapshotSteps() throws Exception {
        int mib = Integer.getInteger("kv.snapshot.measure.mib", 0);
        assumeTrue(mib > 0, "set -Dkv.snapshot.measure.mib to measure");
        Random random = new Random(1);
        Path out = dir.resolve("out");
        Path snapshot = out.resolve("s1");
        Files.createDirectories(snapshot);
        long index;
        long sourceChecksum;
        long write;
        try (StoreFixture leader = new StoreFixture(dir.resolve("leader"))) {
            byte[] value = new byte[64 << 10];
            int puts = mib * 16;
            for (int i = 0; i < puts; i += 64) {
                Command[] batch = new Command[64];
                for (int j = 0; j < batch.length; j++) {
                    random.nextBytes(value);
                    batch[j] = Command.newBuilder()
                            .setPut(PutRequest.newBuilder()
                                    .setKey(ByteString.copyFromUtf8("key/" + (i + j)))
                                    .setValue(ByteString.copyFrom(value)))
                            .build();
                }
                leader.applyBatch(batch);
            }
            ((MvccDatabase) leader.store()).flush();
            index = leader.index();
            sourceChecksum = leader.store().rangeChecksum(StoreFixture.RANGE);
            long start = System.nanoTime();
            ((FileSnapshotStateMachine) leader.machine())
                    .writeSnapshot(snapshot)
                    .join();
            write = System.nanoTime() - start;
        }
        DirectorySnapshotSource source = new DirectorySnapshotSource(out);
        long start = System.nanoTime();
        SnapshotManifest manifest = source.publish("s1", StoreFixture.RANGE, index, 1, new byte[0], 1 << 20);
        long publish = System.nanoTime() - start;

        Path target = dir.resolve("in");
        long fetch;
        try (SnapshotServer server = SnapshotServer.start(
                        SnapshotServerConfig.defaults(new InetSocketAddress("127.0.0.1", 0)), source);
                SnapshotFetcher fetcher = SnapshotFetcher.create(SnapshotFetcherConfig.defaults())) {
            start = System.nanoTime();
            fetcher.fetch(FetchRequest.of(target, List.of(new SnapshotLocation(server.address(), "s1"))))
                    .result()
                    .join();
            fetch = System.nanoTime() - start;
        }
        Path copy = dir.resolve("copy");
        start = System.nanoTime();
        new ProcessBuilder("cp", "-r", snapshot.toString(), copy.toString())
                .inheritIO()
                .start()
                .waitFor();
        new ProcessBuilder("sync").start().waitFor();
        long cp = System.nanoTime() - start;

        long install;
        try (StoreFixture follower = new StoreFixture(dir.resolve("follower"))) {
            follower.put("old", "state");
            start = System.nanoTime();
            ((FileSnapshotStateMachine) follower.machine()).installSnapshot(target, index);
            install = System.nanoTime() - start;
            assertEquals(sourceChecksum, follower.store().rangeChecksum(StoreFixture.RANGE));
        }
        System.out.printf(
                "range snapshot of %d MiB of values: %d files, %d bytes; write %d ms, checksum (publish) %d ms,"
                        + " fetch over loopback %d ms, cp -r + sync %d ms, install %d ms%n",
                mib,
                manifest.files().size(),
                manifest.totalBytes(),
                write / 1_000_000,
                publish / 1_000_000,
                fetch / 1_000_000,
                cp / 1_000_000,
                install / 1_000_000);
    }
}
