package dev.flotilla.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes in three JVMs, many groups, writes from every node, and {@code kill -9} of random nodes at random
 * moments. Afterwards every acknowledged write is on every node and the replicas of each group are identical.
 *
 * <p>The run with thirty kills is in the soak profile ({@code -Psoak}); the one with three kills and the planted client
 * bug run in {@code verify}.
 */
class ProcessCrashTest {
    private static final int NODES = 3;

    @TempDir
    Path dir;

    private final Map<Long, Process> processes = new HashMap<>();
    private final Map<Long, BlockingQueue<String>> lines = new HashMap<>();
    /** Acknowledged writes, by group, then key. */
    private final Map<Long, Map<String, String>> acknowledged = new ConcurrentHashMap<>();

    private int[] ports;
    private String plantedBug = "none";

    @Test
    void hundredGroupsSurviveKillNineOfAnyNode() throws Exception {
        runCrashes(100, 3, Long.getLong("flotilla.crash.seed", System.nanoTime()));
    }

    @Test
    @Tag("soak")
    void hundredGroupsSurviveManyKills() throws Exception {
        runCrashes(100, 30, Long.getLong("flotilla.crash.seed", System.nanoTime()));
    }

    @Test
    void checkerCatchesAClientThatReportsWritesBeforeTheyCommit() {
        plantedBug = "ack-on-submit";
        AssertionError caught = org.junit.jupiter.api.Assertions.assertThrows(
                AssertionError.class, () -> runCrashes(10, 2, Long.getLong("flotilla.crash.seed", System.nanoTime())));
        assertTrue(caught.getMessage().startsWith("acknowledged write"), caught.getMessage());
    }

    private void runCrashes(int groups, int kills, long seed) throws Exception {
        System.out.println("ProcessCrashTest seed " + seed + " (replay with -Dflotilla.crash.seed=" + seed + ")");
        Random random = new Random(seed);
        ports = new int[NODES];
        for (int i = 0; i < NODES; i++) {
            ports[i] = TestCluster.freePort();
        }
        try {
            for (long id = 1; id <= NODES; id++) {
                launch(id, groups);
            }
            for (long id = 1; id <= NODES; id++) {
                await(id, "ready");
            }
            for (int k = 0; k < kills; k++) {
                Thread.sleep(500 + random.nextInt(1000));
                long victim = 1 + random.nextInt(NODES);
                processes.get(victim).destroyForcibly().waitFor();
                System.out.println("killed node " + victim + " after " + countAcks() + " acknowledged writes");
                Thread.sleep(random.nextInt(500));
                launch(victim, groups);
                await(victim, "ready");
            }
            Thread.sleep(1000);
            for (long id = 1; id <= NODES; id++) {
                send(id, "stop");
                await(id, "stopped");
            }
            assertTrue(countAcks() > 0, "no write was acknowledged");
            Map<Long, Map<Long, Map<String, String>>> dumps = awaitIdenticalReplicas(groups);
            for (Map.Entry<Long, Map<String, String>> group : acknowledged.entrySet()) {
                Map<String, String> replica = dumps.get(1L).get(group.getKey());
                for (Map.Entry<String, String> write : group.getValue().entrySet()) {
                    assertEquals(
                            write.getValue(),
                            replica.get(write.getKey()),
                            "acknowledged write " + write + " in group " + group.getKey() + " (seed " + seed + ")");
                }
            }
            System.out.println("verified " + countAcks() + " acknowledged writes in " + groups + " groups after "
                    + kills + " kills");
        } finally {
            processes.values().forEach(Process::destroyForcibly);
        }
    }

    private Map<Long, Map<Long, Map<String, String>>> awaitIdenticalReplicas(int groups) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Map<Long, Map<Long, Map<String, String>>> dumps = new TreeMap<>();
            for (long id = 1; id <= NODES; id++) {
                dumps.put(id, dump(id, groups));
            }
            if (dumps.get(1L).equals(dumps.get(2L)) && dumps.get(2L).equals(dumps.get(3L))) {
                return dumps;
            }
            if (System.nanoTime() > deadline) {
                StringBuilder differing = new StringBuilder();
                for (long g = 1; g <= groups; g++) {
                    int s1 = dumps.get(1L).get(g).size();
                    int s2 = dumps.get(2L).get(g).size();
                    int s3 = dumps.get(3L).get(g).size();
                    if (s1 != s2
                            || s2 != s3
                            || !dumps.get(1L).get(g).equals(dumps.get(2L).get(g))) {
                        for (long id = 1; id <= NODES; id++) {
                            send(id, "status " + g);
                            System.out.println("node " + id + ": " + await(id, "status " + g + " "));
                        }
                        differing
                                .append(" group ")
                                .append(g)
                                .append(": ")
                                .append(s1)
                                .append('/')
                                .append(s2)
                                .append('/')
                                .append(s3)
                                .append(" keys;");
                    }
                }
                for (long id = 1; id <= NODES; id++) {
                    java.nio.file.Path log = dir.resolve("node-" + id + ".stderr");
                    java.util.List<String> lines = java.nio.file.Files.readAllLines(log);
                    System.out.println("--- node " + id + " stderr, last lines:");
                    lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(System.out::println);
                }
                throw new AssertionError("replicas did not converge within 60 s:" + differing);
            }
            Thread.sleep(200);
        }
    }

    private Map<Long, Map<String, String>> dump(long id, int groups) throws Exception {
        send(id, "dump");
        Map<Long, Map<String, String>> result = new TreeMap<>();
        for (String line = await(id, "dump"); !line.equals("dumped"); line = await(id, "dump")) {
            String[] parts = line.split(" ", 3);
            Map<String, String> contents = new TreeMap<>();
            if (parts.length == 3 && !parts[2].isEmpty()) {
                for (String pair : parts[2].split(";")) {
                    String[] kv = pair.split("=", 2);
                    contents.put(kv[0], kv[1]);
                }
            }
            result.put(Long.parseLong(parts[1]), contents);
        }
        assertEquals(groups, result.size());
        return result;
    }

    private void launch(long id, int groups) throws IOException {
        String ports =
                java.util.Arrays.stream(this.ports).mapToObj(Integer::toString).collect(Collectors.joining(","));
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        NodeProcess.class.getName(),
                        Long.toString(id),
                        dir.resolve("node-" + id).toString(),
                        Integer.toString(groups),
                        ports,
                        plantedBug)
                .redirectError(dir.resolve("node-" + id + ".stderr").toFile())
                .start();
        processes.put(id, process);
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        lines.put(id, queue);
        Thread reader = new Thread(() -> {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.startsWith("ack ")) {
                        String[] parts = line.split(" ");
                        acknowledged
                                .computeIfAbsent(Long.parseLong(parts[1]), g -> new ConcurrentHashMap<>())
                                .put(parts[2], parts[3]);
                    } else {
                        queue.add(line);
                    }
                }
            } catch (IOException e) {
                // The process was killed: its output ends here.
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    private String await(long id, String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String line = lines.get(id).poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith(prefix)) {
                return line;
            }
            if (line == null && !processes.get(id).isAlive()) {
                throw new AssertionError("node " + id + " exited with "
                        + processes.get(id).exitValue() + "; see " + dir.resolve("node-" + id + ".stderr"));
            }
        }
        throw new AssertionError("node " + id + " did not print '" + prefix + "' within 60 s");
    }

    private void send(long id, String command) {
        PrintWriter in = new PrintWriter(processes.get(id).getOutputStream(), true, StandardCharsets.UTF_8);
        in.println(command);
    }

    private long countAcks() {
        return acknowledged.values().stream().mapToLong(Map::size).sum();
    }
}
