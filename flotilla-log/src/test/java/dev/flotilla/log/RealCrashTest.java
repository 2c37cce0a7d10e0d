package dev.flotilla.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * Real crashes: a child JVM ({@link CrashChild}) appends synced batches and reports each acknowledged one; this test
 * kills it with SIGKILL at random moments, reopens the log and checks that it holds every acknowledged batch bit for
 * bit, plus at most some of the batches that were in flight (whole, in order), and nothing else. Seeds are printed;
 * replay one with {@code -Dflotilla.seed=...}.
 */
class RealCrashTest {
    private static final long SEED = Long.getLong("flotilla.seed", System.nanoTime());

    static {
        System.out.println("RealCrashTest seed " + SEED + " (replay with -Dflotilla.seed=" + SEED + ")");
    }

    @Test
    void everyAcknowledgedBatchSurvivesKillNine() throws Exception {
        killRepeatedly(SEED, Integer.getInteger("flotilla.crash.kills", 3), false);
    }

    @Test
    @Tag("soak")
    void everyAcknowledgedBatchSurvivesAHundredKills() throws Exception {
        killRepeatedly(SEED, 100, false);
    }

    @Test
    void checkerCatchesAChildThatAcknowledgesBeforeAppending() {
        // Planted bug: the child reports ACK as soon as it sends. Some kill must then find a batch missing.
        assertThrows(AssertionFailedError.class, () -> killRepeatedly(SEED, 8, true));
    }

    /** One child run: what it sent, in order, how many of those were acknowledged (a prefix), its last lines. */
    private record ChildRun(List<LogBatch> sent, int acked, List<String> lastLines) {}

    private static void killRepeatedly(long seed, int kills, boolean ackEarly) throws Exception {
        Random random = new Random(seed);
        Path dir = Files.createTempDirectory("flotilla-crash-");
        try {
            LogModel truth = new LogModel();
            for (int run = 1; run <= kills; run++) {
                ChildRun child = runAndKill(dir, run, random.nextLong(), 150 + random.nextInt(700), ackEarly);
                truth = matchRecovered(dir, truth, child, "seed " + seed + ", kill " + run);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static ChildRun runAndKill(Path dir, int run, long childSeed, int runMillis, boolean ackEarly)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                CrashChild.class.getName(),
                dir.toString(),
                Integer.toString(run),
                Long.toString(childSeed)));
        if (ackEarly) {
            command.add("ack-early");
        }
        // The child's stdout goes to a file: what it wrote before the kill is all there, nothing is lost in a pipe.
        Path output = Files.createTempFile("flotilla-crash-child-", ".out");
        try {
            Process child = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectOutput(output.toFile())
                    .start();
            long deadline = System.currentTimeMillis() + 30_000;
            while (!Files.readString(output, StandardCharsets.UTF_8).startsWith("READY\n")
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(runMillis);
            child.destroyForcibly(); // SIGKILL
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            assertTrue(!lines.isEmpty() && lines.get(0).equals("READY"), "child started: " + lines);
            return parse(lines);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static ChildRun parse(List<String> lines) {
        List<LogBatch> sent = new ArrayList<>();
        int acked = 0;
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            String[] f = line.split(" ");
            boolean last = n == lines.size() - 1;
            if (f[0].equals("SEND") && f.length >= 3) {
                int parts = Integer.parseInt(f[2]);
                if (f.length < 3 + 6 * parts) {
                    assertTrue(last, "only the kill may cut a line, and only the last: " + line);
                    break;
                }
                assertEquals(sent.size(), Integer.parseInt(f[1]));
                List<GroupWrite> writes = new ArrayList<>();
                for (int i = 0; i < parts; i++) {
                    writes.add(CrashChild.Part.decode(f, 3 + 6 * i).toWrite());
                }
                sent.add(new LogBatch(writes));
            } else if (f[0].equals("FAILED")) {
                throw new AssertionFailedError("the child's append failed: " + line);
            } else if (f[0].equals("ACK") && f.length == 2 && !f[1].isEmpty()) {
                if (last && Integer.parseInt(f[1]) != acked) {
                    break; // the kill cut the number
                }
                assertEquals(acked, Integer.parseInt(f[1]), "acknowledgements come in order");
                acked++;
            } else if (!line.equals("READY")) {
                assertTrue(last, "unexpected line from the child: " + line);
            }
        }
        return new ChildRun(sent, acked, lines.subList(Math.max(0, lines.size() - 4), lines.size()));
    }

    /**
     * The recovered log must equal the previous state plus the acknowledged batches plus some of the following ones;
     * returns that state.
     */
    private static LogModel matchRecovered(Path dir, LogModel before, ChildRun child, String context)
            throws IOException {
        LogModel candidate = before.copy();
        for (int i = 0; i < child.acked(); i++) {
            candidate.apply(child.sent().get(i));
        }
        List<String> mismatches = new ArrayList<>();
        try (LogEngine engine = LogEngine.open(CrashChild.config(dir))) {
            for (int extra = child.acked(); ; extra++) {
                try {
                    candidate.assertMatches(engine);
                    System.out.println(context + ": " + child.acked() + " acknowledged, " + (extra - child.acked())
                            + " more of " + (child.sent().size() - child.acked()) + " in flight survived");
                    return candidate;
                } catch (AssertionFailedError e) {
                    mismatches.add(e.getMessage());
                }
                if (extra >= child.sent().size()) {
                    throw new AssertionFailedError(context + ": the recovered log is not the " + child.acked()
                            + " acknowledged batches plus a prefix of the "
                            + (child.sent().size() - child.acked())
                            + " in-flight ones; mismatch with none of them: " + mismatches.get(0)
                            + "; with all of them: " + mismatches.get(mismatches.size() - 1)
                            + "; the child's last lines: " + child.lastLines());
                }
                candidate.apply(child.sent().get(extra));
            }
        }
    }
}
