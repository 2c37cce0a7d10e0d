package dev.flotilla.sim.cluster;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The simulated clock and everything scheduled on it. Whatever would run on another thread in production (a log
 * completion, a message arriving, a tick) is an event here, and events run one at a time in (time, scheduling order):
 * the same seed schedules the same events, so a run replays exactly. Time is in virtual milliseconds.
 *
 * <p>{@link #traceHash()} summarises every event run (time and label), so two runs of one seed can be compared.
 */
final class EventQueue {
    private static final int RECENT_EVENTS = 60;

    private record Event(long at, long seq, String label, Runnable action) {}

    private final PriorityQueue<Event> events =
            new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private final Deque<String> recent = new ArrayDeque<>();
    private long now;
    private long seq;
    private long executed;
    private long traceHash = 17;

    long now() {
        return now;
    }

    /** Schedules {@code action} to run {@code delay} ms from now (0: after what is already due now). */
    void after(long delay, String label, Runnable action) {
        if (delay < 0) {
            throw new IllegalArgumentException("negative delay " + delay + " for " + label);
        }
        events.add(new Event(now + delay, seq++, label, action));
    }

    /** Runs every event due up to {@code time}, then sets the clock to it. */
    void runUntil(long time) {
        while (!events.isEmpty() && events.peek().at <= time) {
            Event event = events.poll();
            now = event.at;
            executed++;
            traceHash = traceHash * 1_000_003L + event.at * 31 + event.label.hashCode();
            if (recent.size() == RECENT_EVENTS) {
                recent.removeFirst();
            }
            recent.addLast(now + " ms  " + event.label);
            event.action.run();
        }
        now = Math.max(now, time);
    }

    long executed() {
        return executed;
    }

    long traceHash() {
        return traceHash;
    }

    /** The last events run, oldest first, for a failure report. */
    List<String> recentEvents() {
        return new ArrayList<>(recent);
    }
}
