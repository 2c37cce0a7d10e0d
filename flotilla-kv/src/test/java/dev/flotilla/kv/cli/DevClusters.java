package dev.flotilla.kv.cli;

import dev.flotilla.kv.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Three server processes on free ports, as {@code flotilla dev} runs them, up and with a leader. */
final class DevClusters {
    private DevClusters() {}

    static DevCluster startOnFreePorts(Path dir) throws Exception {
        List<Integer> ports = FreePorts.take(6);
        DevCluster cluster = new DevCluster(dir, ports.subList(0, 3), ports.subList(3, 6));
        cluster.start(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"));
        Optional<String> problem = cluster.awaitLeader(Duration.ofSeconds(60));
        if (problem.isPresent()) {
            cluster.close();
            throw new AssertionError("cluster did not come up: " + problem.get());
        }
        return cluster;
    }
}
