package dev.flotilla.log;

import dev.flotilla.log.file.FaultyDirectory;
import dev.flotilla.log.file.FaultyDirectory.Crash;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random sequences of appends (with overlapping entries), truncations, compactions (snapshot markers), hard states,
 * group removals and restarts agree with {@link LogModel}. Segments are tiny so that rolling, purging and rewriting
 * all happen. jqwik prints the seed of a failing try and replays it.
 */
class LogEnginePropertyTest {
    private static LogEngineConfig config() {
        return LogEngineConfig.defaults(Path.of("in-memory"))
                .withSegmentSizeBytes(8 * 1024)
                .withCacheBytes(2048)
                .withRewrite(1.5, 3 * 8 * 1024, 2048);
    }

    @Property(tries = 100)
    void engineAgreesWithTheModelAcrossRestarts(@ForAll long seed, @ForAll @IntRange(min = 20, max = 400) int steps)
            throws IOException {
        Random random = new Random(seed);
        RandomWorkload workload = new RandomWorkload(random, 5, 200);
        LogModel model = new LogModel();
        FaultyDirectory dir = new FaultyDirectory();
        LogEngine engine = LogEngine.open(config(), dir, Runnable::run);
        try {
            for (int step = 0; step < steps; step++) {
                int action = random.nextInt(100);
                if (action < 4) {
                    engine.close();
                    engine = LogEngine.open(config(), dir, Runnable::run);
                    model.assertMatches(engine);
                } else if (action < 8) {
                    // kill -9: nothing is closed, nothing is lost
                    dir = dir.crash(new Crash.ProcessOnly());
                    engine = LogEngine.open(config(), dir, Runnable::run);
                    model.assertMatches(engine);
                } else if (action < 10) {
                    long group = 1 + random.nextInt(5);
                    engine.removeGroup(group).join();
                    model.remove(group);
                } else {
                    LogBatch batch = workload.nextBatch(model);
                    engine.append(batch).join();
                    model.apply(batch);
                }
            }
            model.assertMatches(engine);
        } finally {
            engine.close();
        }
        try (LogEngine reopened = LogEngine.open(config(), dir, Runnable::run)) {
            model.assertMatches(reopened);
        }
    }
}
