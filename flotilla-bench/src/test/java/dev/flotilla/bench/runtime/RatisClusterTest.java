package dev.flotilla.bench.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RatisClusterTest {
    @TempDir
    Path dir;

    @Test
    void proposalsToEveryGroupCommitAndReachEachServersLogOnDisk() throws Exception {
        try (RatisCluster cluster = RatisCluster.start(dir, 2, new PrintWriter(new StringWriter()))) {
            for (long group = 1; group <= 2; group++) {
                cluster.newClient(group).propose(new byte[256]).get(30, TimeUnit.SECONDS);
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            // Each of 3 servers keeps a log per group: the segmented log, not the in-memory one.
            long logs = files.filter(f -> f.getFileName().toString().startsWith("log_inprogress_"))
                    .count();
            assertTrue(logs >= 6, "open log segments under " + dir + ": " + logs);
        }
    }
}
