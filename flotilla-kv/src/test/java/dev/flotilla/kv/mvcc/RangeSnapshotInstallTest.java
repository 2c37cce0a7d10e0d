package dev.flotilla.kv.mvcc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.kv.command.Command;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseGrantRequest;
import dev.flotilla.runtime.FileSnapshotStateMachine;
import dev.flotilla.snapshot.DirectorySnapshotSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A range snapshot written as SST files on one real RocksDB and installed on another, with the install cut off by a
 * simulated crash (the database closed without flushing, as a kill leaves it: the WAL is off) at each point: the
 * reopened range holds the old state or the new one (or, between the flushed deletion and the ingestion, nothing at
 * an applied index of 0, which makes the runtime install again), never a mix; installing again as the runtime does on
 * restart ends at the new state.
 */
class RangeSnapshotInstallTest {
    @TempDir
    Path dir;

    @AfterEach
    void clearPlants() {
        System.clearProperty(RangeSnapshotFiles.CRASH_POINT_PROPERTY);
        System.clearProperty(PlantedSnapshotBug.PROPERTY);
    }

    /** Where the install stops, and what the reopened range must hold. */
    enum Crash {
        /** The marker is durable; the state machine has not started installing. */
        BEFORE_INSTALL("old"),
        AFTER_DELETE("empty"),
        AFTER_INGEST("new");

        final String expected;

        Crash(String expected) {
            this.expected = expected;
        }
    }

    @ParameterizedTest
    @EnumSource(Crash.class)
    void crashDuringInstallLeavesOldOrNewStateAndReinstallEndsAtNew(Crash crash) throws Exception {
        assertEquals(List.of(), crashAndRecover(crash));
    }

    @Test
    void checkCatchesAnInstallThatKeepsTheOldKeys() throws Exception {
        System.setProperty(PlantedSnapshotBug.PROPERTY, "keep-old-keys");
        assertTrue(crashAndRecover(Crash.AFTER_INGEST).stream().anyMatch(p -> p.contains("mix")));
    }

    /** Runs the scenario; returns the problems found (empty if none). */
    private List<String> crashAndRecover(Crash crash) throws Exception {
        long seed = new Random().nextLong();
        System.out.println("seed " + seed);
        Random random = new Random(seed);
        Path snapshot = dir.resolve("snapshots").resolve("s1");
        Files.createDirectories(snapshot);
        long leaderChecksum;
        long snapshotIndex;
        try (StoreFixture leader = new StoreFixture(dir.resolve("leader"))) {
            for (int i = 0; i < 300; i++) {
                leader.put("key/" + random.nextInt(200), randomValue(random));
            }
            leader.delete("key/1", "key/3");
            leader.apply(Command.newBuilder()
                    .setLeaseGrant(LeaseGrantRequest.newBuilder().setID(7).setTTL(60))
                    .build());
            snapshotIndex = leader.index();
            ((FileSnapshotStateMachine) leader.machine())
                    .writeSnapshot(snapshot)
                    .join();
            leaderChecksum = leader.store().rangeChecksum(StoreFixture.RANGE);
        }
        new DirectorySnapshotSource(snapshot.getParent())
                .publish("s1", StoreFixture.RANGE, snapshotIndex, 1, new byte[0], 64 << 10);
        Map<Path, byte[]> staged = contents(snapshot);

        List<String> problems = new java.util.ArrayList<>();
        try (StoreFixture follower = new StoreFixture(dir.resolve("follower"))) {
            for (int i = 0; i < 50; i++) {
                follower.put("old/" + i, randomValue(random));
            }
            ((MvccDatabase) follower.store()).flush();
            long oldChecksum = follower.store().rangeChecksum(StoreFixture.RANGE);
            long oldIndex = follower.machine().durableAppliedIndex();
            assertEquals(follower.index(), oldIndex);

            if (crash != Crash.BEFORE_INSTALL) {
                System.setProperty(RangeSnapshotFiles.CRASH_POINT_PROPERTY, crash.name());
                assertThrows(RangeSnapshotFiles.SimulatedCrash.class, () -> install(follower, snapshot, snapshotIndex));
                System.clearProperty(RangeSnapshotFiles.CRASH_POINT_PROPERTY);
            }
            follower.crashAndReopen();

            long checksum = follower.store().rangeChecksum(StoreFixture.RANGE);
            long durable = follower.machine().durableAppliedIndex();
            boolean old = checksum == oldChecksum && durable == oldIndex;
            boolean fresh = checksum == leaderChecksum && durable == snapshotIndex;
            boolean empty = checksum == emptyChecksum() && durable == 0;
            if (!(old || fresh || empty)) {
                problems.add("after a crash " + crash + " the range is a mix: durable index " + durable);
            } else if (!(old ? "old" : fresh ? "new" : "empty").equals(crash.expected)) {
                problems.add("after a crash " + crash + " the range is not " + crash.expected);
            }
            // The runtime's restart: the marker is ahead of the durable index, so it installs again.
            if (durable < snapshotIndex) {
                install(follower, snapshot, snapshotIndex);
            }
            follower.crashAndReopen();
            if (follower.store().rangeChecksum(StoreFixture.RANGE) != leaderChecksum
                    || follower.machine().durableAppliedIndex() != snapshotIndex) {
                problems.add("after reinstalling, the range is not the leader's (a mix)");
            }
        }
        Map<Path, byte[]> after = contents(snapshot);
        assertEquals(staged.keySet(), after.keySet(), "the staged snapshot must stay for reuse");
        staged.forEach((file, bytes) -> assertArrayEquals(bytes, after.get(file), file + " changed"));
        return problems;
    }

    private static void install(StoreFixture follower, Path snapshot, long index) {
        ((FileSnapshotStateMachine) follower.machine()).installSnapshot(snapshot, index);
    }

    private long emptyChecksum() throws Exception {
        try (StoreFixture empty = new StoreFixture(dir.resolve("empty-" + System.nanoTime()))) {
            return empty.store().rangeChecksum(StoreFixture.RANGE);
        }
    }

    private static String randomValue(Random random) {
        byte[] bytes = new byte[1 + random.nextInt(2048)];
        random.nextBytes(bytes);
        return java.util.Base64.getEncoder().encodeToString(bytes);
    }

    private static Map<Path, byte[]> contents(Path directory) throws Exception {
        Map<Path, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(directory)) {
            for (Path file : list.toList()) {
                files.put(file.getFileName(), Files.readAllBytes(file));
            }
        }
        return files;
    }
}
