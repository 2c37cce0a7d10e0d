package dev.flotilla.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Generates linearizable histories by running a real register store: processes invoke reads, writes and cas on random
 * keys; each operation takes effect at a random instant inside its interval, against the store's value at that
 * instant. Some writes and cas end as {@code info} (whether they took effect is random), and a cas whose expected value
 * does not match ends as {@code fail}. The same seed gives the same history.
 */
public final class HistoryGenerator {
    private static final long MAX_THINK_NANOS = 20_000;
    private static final long MAX_HALF_LATENCY_NANOS = 200_000;

    private enum Phase {
        INVOKE,
        TAKE_EFFECT,
        RETURN
    }

    private record Step(long time, long seq, int process, Phase phase) {}

    private static final class InFlight {
        String f;
        String key;
        String argument;
        String expected;
        String outcome;
        String result;
    }

    private HistoryGenerator() {}

    /** Returns the history as JSON lines in time order. */
    public static List<String> generate(long seed, int operations, int keys, int processes, double infoRate) {
        if (operations < 0 || keys < 1 || processes < 1 || infoRate < 0 || infoRate > 1) {
            throw new IllegalArgumentException("need operations >= 0, keys >= 1, processes >= 1, 0 <= infoRate <= 1");
        }
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, String> store = new HashMap<>();
        InFlight[] inFlight = new InFlight[processes];
        PriorityQueue<Step> queue = new PriorityQueue<>(
                (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
        long seq = 0;
        for (int p = 0; p < processes; p++) {
            queue.add(new Step(random.nextLong(MAX_THINK_NANOS), seq++, p, Phase.INVOKE));
        }
        List<String> lines = new ArrayList<>(2 * operations);
        int invoked = 0;
        long nextValue = 1;
        while (!queue.isEmpty()) {
            Step step = queue.poll();
            int p = step.process();
            switch (step.phase()) {
                case INVOKE -> {
                    if (invoked == operations) {
                        continue;
                    }
                    invoked++;
                    InFlight op = new InFlight();
                    op.key = "k" + random.nextInt(keys);
                    int kind = random.nextInt(10);
                    if (kind < 5) {
                        op.f = "read";
                        lines.add(event(p, "invoke", "read", op.key, "null", step.time()));
                    } else if (kind < 8) {
                        op.f = "write";
                        op.argument = String.valueOf(nextValue++);
                        lines.add(event(p, "invoke", "write", op.key, op.argument, step.time()));
                    } else {
                        op.f = "cas";
                        op.expected = store.getOrDefault(op.key, "null");
                        if (random.nextBoolean()) {
                            op.expected = String.valueOf(random.nextLong(Math.max(1, nextValue)) + 1);
                        }
                        op.argument = String.valueOf(nextValue++);
                        lines.add(event(
                                p, "invoke", "cas", op.key, "[" + op.expected + ", " + op.argument + "]", step.time()));
                    }
                    inFlight[p] = op;
                    queue.add(new Step(
                            step.time() + 1 + random.nextLong(MAX_HALF_LATENCY_NANOS), seq++, p, Phase.TAKE_EFFECT));
                }
                case TAKE_EFFECT -> {
                    InFlight op = inFlight[p];
                    boolean lost = !op.f.equals("read") && random.nextDouble() < infoRate;
                    boolean applies = !lost || random.nextBoolean();
                    String current = store.getOrDefault(op.key, "null");
                    switch (op.f) {
                        case "read" -> {
                            op.outcome = "ok";
                            op.result = current;
                        }
                        case "write" -> {
                            if (applies) {
                                store.put(op.key, op.argument);
                            }
                            op.outcome = lost ? "info" : "ok";
                            op.result = op.argument;
                        }
                        default -> {
                            boolean swaps = current.equals(op.expected);
                            if (swaps && applies) {
                                store.put(op.key, op.argument);
                            }
                            op.outcome = lost ? "info" : swaps ? "ok" : "fail";
                            op.result = "[" + op.expected + ", " + op.argument + "]";
                        }
                    }
                    queue.add(new Step(
                            step.time() + 1 + random.nextLong(MAX_HALF_LATENCY_NANOS), seq++, p, Phase.RETURN));
                }
                case RETURN -> {
                    InFlight op = inFlight[p];
                    lines.add(event(p, op.outcome, op.f, op.key, op.result, step.time()));
                    inFlight[p] = null;
                    queue.add(new Step(step.time() + random.nextLong(MAX_THINK_NANOS), seq++, p, Phase.INVOKE));
                }
            }
        }
        return lines;
    }

    private static String event(int process, String type, String f, String key, String value, long time) {
        return "{\"process\": " + process + ", \"type\": \"" + type + "\", \"f\": \"" + f + "\", \"key\": \"" + key
                + "\", \"value\": " + value + ", \"time\": " + time + "}";
    }
}
