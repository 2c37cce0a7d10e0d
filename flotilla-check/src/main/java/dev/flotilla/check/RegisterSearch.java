package dev.flotilla.check;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The Wing–Gong/Lowe search for one register.
 *
 * <p>The operations' invocations and returns form one list in time order (an invocation sorts before a return at the
 * same instant, so touching intervals count as concurrent). Walking the list, an invocation is a candidate to place
 * next: if the register allows it and the resulting (placed set, value) was never seen, the operation is placed and
 * its two events leave the list. Reaching a return means that operation had to be placed already: the last placement
 * is undone and the walk continues after it. Placing every definite operation proves the history linearizable;
 * undoing past the first placement disproves it.
 */
final class RegisterSearch {
    private static final int ABSENT = 0;
    private static final int DEADLINE_CHECK_INTERVAL = 1 << 12;

    sealed interface Result {
        record Ok() implements Result {}

        record TimedOut() implements Result {}

        record Violation(List<Operation> window, String explanation) implements Result {}
    }

    /** An invocation or a return in the doubly linked event list. */
    private static final class Event {
        final int op;
        final boolean invocation;
        final long time;
        Event partner;
        Event prev;
        Event next;

        Event(int op, boolean invocation, long time) {
            this.op = op;
            this.invocation = invocation;
            this.time = time;
        }
    }

    /**
     * One placed operation, linked to the placement below it: the stack is a persistent list, so remembering the
     * deepest dead end costs one reference, not a copy.
     */
    private record Placement(
            Event invocation,
            int valueBefore,
            long fingerprintBefore0,
            long fingerprintBefore1,
            Placement below,
            int depth) {}

    /**
     * A memo key: the register value after a set of placed operations, with the set represented by two independent
     * 64-bit Zobrist hashes (the XOR of random tokens of its members). Storing the set itself costs n/8 bytes per key,
     * which for a key with 100,000 operations exhausts memory; two hashes collide with probability about 2^-128 per
     * pair, far below the chance of a hardware error, and a collision could only prune a branch, never invent one.
     */
    private record Configuration(long fingerprint0, long fingerprint1, int value) {}

    private final List<Operation> ops;
    private final long deadlineNanos;
    private final int[] writes;
    private final int[] expects;
    private final boolean[] isRead;
    private final boolean[] isCas;
    private final List<String> valueNames = new ArrayList<>();
    private final long[] tokens0;
    private final long[] tokens1;
    private final Event head = new Event(-1, false, Long.MIN_VALUE);

    private Event deepestBlocker;
    private Placement deepestTop;
    private int deepestDepth = -1;

    RegisterSearch(List<Operation> ops, long deadlineNanos) {
        this.ops = ops;
        this.deadlineNanos = deadlineNanos;
        int n = ops.size();
        writes = new int[n];
        expects = new int[n];
        isRead = new boolean[n];
        isCas = new boolean[n];
        tokens0 = new long[n];
        tokens1 = new long[n];
        SplittableRandom tokenSource = new SplittableRandom(0x5eed_f107_111aL);
        for (int i = 0; i < n; i++) {
            tokens0[i] = tokenSource.nextLong();
            tokens1[i] = tokenSource.nextLong();
        }
        Map<String, Integer> ids = new HashMap<>();
        ids.put(Command.ABSENT, ABSENT);
        valueNames.add(Command.ABSENT);
        for (int i = 0; i < n; i++) {
            Command command = ops.get(i).command();
            if (command instanceof Command.Read read) {
                isRead[i] = true;
                writes[i] = intern(ids, read.observed());
            } else if (command instanceof Command.Write write) {
                writes[i] = intern(ids, write.value());
            } else {
                Command.Cas cas = (Command.Cas) command;
                isCas[i] = true;
                expects[i] = intern(ids, cas.expected());
                writes[i] = intern(ids, cas.value());
            }
        }
        buildEventList();
    }

    private int intern(Map<String, Integer> ids, String value) {
        return ids.computeIfAbsent(value, v -> {
            valueNames.add(v);
            return valueNames.size() - 1;
        });
    }

    private void buildEventList() {
        List<Event> events = new ArrayList<>(2 * ops.size());
        for (int i = 0; i < ops.size(); i++) {
            Event call = new Event(i, true, ops.get(i).invokeNanos());
            Event ret = new Event(i, false, ops.get(i).returnNanos());
            call.partner = ret;
            ret.partner = call;
            events.add(call);
            events.add(ret);
        }
        events.sort(Comparator.comparingLong((Event e) -> e.time)
                .thenComparing(e -> !e.invocation)
                .thenComparingInt(e -> e.op));
        Event prev = head;
        for (Event e : events) {
            prev.next = e;
            e.prev = prev;
            prev = e;
        }
    }

    /** The value after applying op {@code i} to {@code value}, or -1 if the register forbids it. */
    private int apply(int i, int value) {
        if (isRead[i]) {
            return writes[i] == value ? value : -1;
        }
        if (isCas[i]) {
            return expects[i] == value ? writes[i] : -1;
        }
        return writes[i];
    }

    Result run() {
        int definiteLeft = 0;
        for (Operation op : ops) {
            definiteLeft += op.definite() ? 1 : 0;
        }
        Set<Configuration> seen = new HashSet<>();
        Placement top = null;
        long fingerprint0 = 0;
        long fingerprint1 = 0;
        int value = ABSENT;
        Event cursor = head.next;
        long steps = 0;
        while (definiteLeft > 0) {
            if (++steps % DEADLINE_CHECK_INTERVAL == 0 && System.nanoTime() > deadlineNanos) {
                return new Result.TimedOut();
            }
            if (cursor.invocation) {
                int i = cursor.op;
                int next = apply(i, value);
                if (next >= 0
                        && seen.add(new Configuration(fingerprint0 ^ tokens0[i], fingerprint1 ^ tokens1[i], next))) {
                    top = new Placement(
                            cursor, value, fingerprint0, fingerprint1, top, top == null ? 1 : top.depth() + 1);
                    fingerprint0 ^= tokens0[i];
                    fingerprint1 ^= tokens1[i];
                    value = next;
                    definiteLeft -= ops.get(i).definite() ? 1 : 0;
                    lift(cursor);
                    cursor = head.next;
                } else {
                    cursor = cursor.next;
                }
            } else {
                // A definite operation returns here unplaced: something placed earlier must move.
                noteDeadEnd(cursor, top);
                if (top == null) {
                    return violation();
                }
                int i = top.invocation().op;
                value = top.valueBefore();
                fingerprint0 = top.fingerprintBefore0();
                fingerprint1 = top.fingerprintBefore1();
                definiteLeft += ops.get(i).definite() ? 1 : 0;
                unlift(top.invocation());
                cursor = top.invocation().next;
                top = top.below();
            }
        }
        return new Result.Ok();
    }

    private static void lift(Event call) {
        call.prev.next = call.next;
        call.next.prev = call.prev;
        Event ret = call.partner;
        ret.prev.next = ret.next;
        if (ret.next != null) {
            ret.next.prev = ret.prev;
        }
    }

    private static void unlift(Event call) {
        Event ret = call.partner;
        ret.prev.next = ret;
        if (ret.next != null) {
            ret.next.prev = ret;
        }
        call.prev.next = call;
        call.next.prev = call;
    }

    private void noteDeadEnd(Event blocker, Placement top) {
        int depth = top == null ? 0 : top.depth();
        if (depth > deepestDepth) {
            deepestDepth = depth;
            deepestBlocker = blocker;
            deepestTop = top;
        }
    }

    /**
     * Explains the deepest dead end: the operation that could not be placed, the operations concurrent with it that
     * were still unplaced, and the placed write the register value came from.
     */
    private Result violation() {
        Operation blocked = ops.get(deepestBlocker.op);
        List<Integer> deepestPlaced = new ArrayList<>();
        for (Placement p = deepestTop; p != null; p = p.below()) {
            deepestPlaced.add(p.invocation().op);
        }
        Collections.reverse(deepestPlaced);
        Set<Integer> placed = new HashSet<>(deepestPlaced);
        int value = ABSENT;
        int source = -1;
        for (int i : deepestPlaced) {
            if (!isRead[i]) {
                value = apply(i, value);
                source = i;
            }
        }
        List<Operation> window = new ArrayList<>();
        if (source >= 0) {
            window.add(ops.get(source));
        }
        for (int i = 0; i < ops.size(); i++) {
            Operation op = ops.get(i);
            if (i != source && !placed.contains(i) && op.concurrentWith(blocked)) {
                window.add(op);
            }
        }
        window.sort(Comparator.comparingLong(Operation::invokeNanos).thenComparingInt(Operation::id));
        String explanation = String.format(
                "%d of %d operations on this key can be ordered; then the register holds %s%s, and no order of the"
                        + " operations below lets #%d (%s) take effect before it returned",
                deepestPlaced.size(),
                ops.size(),
                valueNames.get(value),
                source >= 0 ? " (written by #" + ops.get(source).id() + ")" : " (never written)",
                blocked.id(),
                blocked.describe().substring(blocked.describe().indexOf(' ') + 1));
        return new Result.Violation(List.copyOf(window), explanation);
    }
}
