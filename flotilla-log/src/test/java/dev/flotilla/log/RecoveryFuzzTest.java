package dev.flotilla.log;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.flotilla.log.file.FaultyDirectory;
import dev.flotilla.raft.LogStorage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Tag;

/**
 * Recovery reads bytes it did not write in this run: whatever a disk, an operator or an attacker left in the segment
 * files. Fuzzed segments (overwritten bytes, cut files, spliced ranges, zeroed ranges) must give either a working log
 * or an {@link IOException} naming the damage; never another exception, a hang or a runaway allocation.
 */
class RecoveryFuzzTest {
    private static LogEngineConfig config() {
        return LogEngineConfig.defaults(Path.of("in-memory"))
                .withSegmentSizeBytes(8 * 1024)
                .withCacheBytes(2048)
                .withRewrite(1.5, 3 * 8 * 1024, 2048);
    }

    @Property(tries = 10_000)
    @Tag("soak")
    void damagedSegmentsGiveAWorkingLogOrAnIoExceptionAtLength(@ForAll long seed) throws IOException {
        damagedSegmentsGiveAWorkingLogOrAnIoException(seed);
    }

    @Property(tries = 150)
    void damagedSegmentsGiveAWorkingLogOrAnIoException(@ForAll long seed) throws IOException {
        Random random = new Random(seed);
        FaultyDirectory dir = new FaultyDirectory();
        RandomWorkload workload = new RandomWorkload(random, 5, 200);
        LogModel model = new LogModel();
        try (LogEngine engine = LogEngine.open(config(), dir, Runnable::run)) {
            for (int step = 0; step < 20 + random.nextInt(80); step++) {
                LogBatch batch = workload.nextBatch(model);
                engine.append(batch).join();
                model.apply(batch);
            }
        }
        List<String> segments =
                dir.list().stream().filter(n -> n.endsWith(".wal")).sorted().toList();
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
            String name = segments.get(random.nextInt(segments.size()));
            dir.put(name, damage(dir.content(name), random));
        }
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (LogEngine reopened = LogEngine.open(config(), dir, Runnable::run)) {
                readEverything(reopened);
            } catch (IOException refused) {
                // Damage found and named: what recovery must do when it cannot trust the files.
            }
        });
    }

    private static void readEverything(LogEngine engine) {
        for (long groupId : engine.groups()) {
            LogStorage group = engine.group(groupId);
            group.hardState();
            group.snapshot();
            if (group.lastIndex() >= group.firstIndex()) {
                group.entries(group.firstIndex(), group.lastIndex() + 1, Long.MAX_VALUE);
            }
        }
    }

    /** One random kind of damage to a copy of {@code content}. */
    private static byte[] damage(byte[] content, Random random) {
        byte[] out = Arrays.copyOf(content, content.length);
        if (out.length == 0) {
            return out;
        }
        int at = random.nextInt(out.length);
        int length = 1 + random.nextInt(Math.min(64, out.length - at));
        switch (random.nextInt(4)) {
            case 0 -> {
                for (int i = at; i < at + length; i++) {
                    out[i] = (byte) random.nextInt(256);
                }
            }
            case 1 -> out = Arrays.copyOf(out, at);
            case 2 -> {
                int from = random.nextInt(out.length - length + 1);
                System.arraycopy(content, from, out, at, length);
            }
            default -> Arrays.fill(out, at, at + length, (byte) 0);
        }
        return out;
    }
}
