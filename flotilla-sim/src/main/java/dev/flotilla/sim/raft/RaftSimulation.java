package dev.flotilla.sim.raft;

import dev.flotilla.raft.Entry;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.Message;
import dev.flotilla.raft.ProposalRejectedException;
import dev.flotilla.raft.RaftConfig;
import dev.flotilla.raft.ReadOnlyMode;
import dev.flotilla.raft.Role;
import dev.flotilla.raft.Status;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One seeded run of a group of real replicas in one thread: a chaos phase (lossy network, partitions, crashes,
 * restarts, compaction, leadership transfers, proposals), then a liveness phase (network healed, everyone up) in which
 * a leader must be elected and a proposal must reach every node within {@link #LIVENESS_TICKS} ticks. Safety is checked
 * after every step. Everything random comes from the seed, so a seed replays exactly.
 */
final class RaftSimulation {
    static final int CHAOS_TICKS = 300;
    static final int LIVENESS_TICKS = 200;
    private static final int TIME_PER_TICK = 10;
    /** In the liveness phase, the marker is proposed again this often in case a leader change lost it. */
    private static final int PROPOSAL_RETRY_TICKS = 40;

    private static final int TRACE_LENGTH = 40;

    /** The outcome of one seed. {@code trace} holds the last events before a violation (empty without one). */
    record Result(long seed, long events, Optional<String> violation, List<String> trace) {}

    private record TraceEvent(long tick, String what, Object detail) {
        @Override
        public String toString() {
            return "t" + tick + " " + what + (detail == null ? "" : " " + detail);
        }
    }

    private final long seed;
    private final PlantedBug bug;
    private final Random random;
    private final List<SimNode> nodes = new ArrayList<>();
    private final SimNetwork network;
    private final SafetyChecker checker = new SafetyChecker();
    private final ArrayDeque<TraceEvent> trace = new ArrayDeque<>();
    private final byte[] livenessMarker;
    private final Set<Long> appliedMarker = new HashSet<>();

    private long tick;
    private long events;
    private int proposals;
    private long doomedNode;
    /** The liveness phase: no more faults. */
    private boolean calm;

    private RaftSimulation(long seed, int nodeCount, PlantedBug bug) {
        this.seed = seed;
        this.bug = bug;
        this.random = new Random(seed);
        this.network = new SimNetwork(new Random(random.nextLong()), bug == PlantedBug.STALE_APPEND);
        this.livenessMarker = ("live-" + seed).getBytes(StandardCharsets.UTF_8);
        boolean preVote = random.nextBoolean();
        boolean checkQuorum = random.nextBoolean();
        Set<Long> ids = new HashSet<>();
        for (long id = 1; id <= nodeCount; id++) {
            ids.add(id);
        }
        Membership membership = Membership.ofVoters(ids);
        for (long id = 1; id <= nodeCount; id++) {
            RaftConfig config = RaftConfig.defaults(id)
                    .withElectionTicks(10, 2)
                    .withElection(preVote, checkQuorum, ReadOnlyMode.READ_INDEX)
                    .withFlowControl(4, 256, 64, 4096)
                    .withRandomSeed(seed);
            nodes.add(new SimNode(id, config, membership, bug));
        }
    }

    static Result run(long seed, int nodeCount, PlantedBug bug) {
        return new RaftSimulation(seed, nodeCount, bug).run();
    }

    private Result run() {
        try {
            for (int t = 0; t < CHAOS_TICKS && checker.violation().isEmpty(); t++) {
                chaosTick();
            }
            if (checker.violation().isEmpty()) {
                livenessPhase();
            }
        } catch (RuntimeException e) {
            // The core detected an impossible state (it throws rather than continue): report it like a check.
            record("core failure", e.toString());
            return result(Optional.of("core failure: " + e));
        }
        return result(checker.violation());
    }

    private Result result(Optional<String> violation) {
        List<String> lines = new ArrayList<>();
        if (violation.isPresent()) {
            trace.forEach(e -> lines.add(e.toString()));
        }
        return new Result(seed, events, violation, lines);
    }

    private void chaosTick() {
        deliverDue();
        if (checker.violation().isPresent()) {
            return;
        }
        tickAll();
        if (checker.violation().isPresent()) {
            return;
        }
        if (random.nextInt(100) < 30) {
            propose(randomUpNode(), ("p" + proposals++).getBytes(StandardCharsets.UTF_8));
        }
        if (random.nextInt(100) < 2) {
            randomUpNode().ifPresent(n -> {
                record("crash", n.id);
                n.crash();
            });
        }
        if (random.nextInt(100) < 1) {
            randomUpNode().ifPresent(n -> doomedNode = n.id);
        }
        for (SimNode n : nodes) {
            if (!n.up && random.nextInt(100) < 8) {
                restart(n);
            }
        }
        if (random.nextInt(100) < 2) {
            Set<Long> side = new HashSet<>();
            for (SimNode n : nodes) {
                if (random.nextBoolean()) {
                    side.add(n.id);
                }
            }
            record("partition", side);
            network.partition(side, allIds());
        } else if (random.nextInt(100) < 4) {
            record("heal", null);
            network.heal();
        }
        if (random.nextInt(100) < 5) {
            randomUpNode().ifPresent(n -> {
                n.compact();
                record("compact", n.id + " to " + n.lastApplied);
            });
        }
        if (random.nextInt(100) < 1) {
            transferLeadership();
        }
        if (bug == PlantedBug.STALE_APPEND && random.nextInt(100) < 20) {
            injectStaleAppend();
        }
        check();
    }

    private void livenessPhase() {
        network.calm();
        calm = true;
        doomedNode = 0;
        record("calm", "network healed; restarting every node");
        for (SimNode n : nodes) {
            if (!n.up) {
                restart(n);
            }
        }
        long proposedAt = -PROPOSAL_RETRY_TICKS;
        for (int t = 0; t < LIVENESS_TICKS && checker.violation().isEmpty(); t++) {
            deliverDue();
            tickAll();
            check();
            if (appliedMarker.size() == nodes.size()) {
                return;
            }
            Optional<SimNode> leader = nodes.stream()
                    .filter(n -> n.up && n.replica.status().role() == Role.LEADER)
                    .findFirst();
            if (leader.isPresent() && tick - proposedAt >= PROPOSAL_RETRY_TICKS) {
                proposedAt = tick;
                propose(leader, livenessMarker);
            }
        }
        if (checker.violation().isEmpty()) {
            checker.fail("liveness: " + LIVENESS_TICKS + " ticks after healing, the marker proposal reached only nodes "
                    + appliedMarker + " of " + nodes.size() + "; roles " + roles());
            record("violation", checker.violation().orElseThrow());
        }
    }

    private String roles() {
        List<String> out = new ArrayList<>();
        for (SimNode n : nodes) {
            if (!n.up) {
                out.add(n.id + ":down");
                continue;
            }
            Status st = n.replica.status();
            out.add(n.id + ":" + st.role() + "@" + st.hardState().term() + "/last=" + st.lastIndex() + "/commit="
                    + st.hardState().commit());
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- steps

    private void tickAll() {
        tick++;
        for (SimNode n : nodes) {
            if (n.up) {
                n.disk.onTick(tick);
                n.replica.tick();
                events++;
                process(n);
                check();
            }
        }
    }

    private void deliverDue() {
        long now = tick * TIME_PER_TICK;
        for (long time = now - TIME_PER_TICK + 1; time <= now; time++) {
            Optional<Message> m;
            while (checker.violation().isEmpty() && (m = network.poll(time)).isPresent()) {
                deliver(m.get());
            }
        }
    }

    private void deliver(Message m) {
        SimNode to = node(m.to());
        if (!to.up) {
            reportLost(m);
            return;
        }
        events++;
        record("deliver", m);
        to.replica.step(m);
        process(to);
        if (m instanceof Message.VoteRequest v
                && !v.preVote()
                && to.up
                && !calm
                && to.replica.status().hardState().vote() == v.from()
                && random.nextInt(100) < 25) {
            // The most dangerous moment to crash: right after a vote became durable.
            record("crash after voting", to.id);
            to.crash();
            restart(to);
        }
        if (m instanceof Message.InstallSnapshot) {
            // The snapshot transfer layer tells the sender once the receiver has it.
            SimNode from = node(m.from());
            if (from.up) {
                from.replica.reportSnapshot(m.to(), true);
                process(from);
            }
        }
        check();
    }

    private void reportLost(Message m) {
        if (m instanceof Message.InstallSnapshot) {
            SimNode from = node(m.from());
            if (from.up) {
                from.replica.reportSnapshot(m.to(), false);
                process(from);
            }
        }
    }

    private void process(SimNode n) {
        boolean doomed = doomedNode == n.id;
        Consumer<Message> send = m -> {
            checker.termSeen(m.term());
            network.send(m, tick * TIME_PER_TICK);
        };
        if (!n.processReadies(send, listener, doomed)) {
            record("crash before persist", n.id);
            doomedNode = 0;
        }
        for (Message lost : network.drainLost()) {
            reportLost(lost);
        }
    }

    private final SimNode.ReadyListener listener = new SimNode.ReadyListener() {
        @Override
        public void termSeen(long term) {
            checker.termSeen(term);
        }

        @Override
        public void applied(SimNode node, long previousApplied, Entry entry) {
            checker.applied(node.id, previousApplied, entry);
            if (Arrays.equals(entry.data(), livenessMarker)) {
                appliedMarker.add(node.id);
            }
        }

        @Override
        public void snapshotInstalled(SimNode node, long index, long term) {
            checker.snapshotInstalled(node.id, index, term);
        }
    };

    private void propose(Optional<SimNode> target, byte[] data) {
        target.ifPresent(n -> {
            events++;
            try {
                n.replica.propose(data);
                record("propose", n.id + " " + new String(data, StandardCharsets.UTF_8));
            } catch (ProposalRejectedException e) {
                record("proposal refused", n.id + " " + e.reason());
            }
            process(n);
        });
    }

    private void restart(SimNode n) {
        events++;
        record("restart", n.id);
        n.restart();
        process(n);
    }

    private void transferLeadership() {
        for (SimNode n : nodes) {
            if (n.up && n.replica.status().role() == Role.LEADER) {
                long target = 1 + random.nextInt(nodes.size());
                if (target != n.id) {
                    record("transfer", n.id + " -> " + target);
                    n.replica.transferLeadership(target);
                    process(n);
                }
                return;
            }
        }
    }

    /** The planted network bug: an old append from a deposed leader, restamped with the newest term and leader. */
    private void injectStaleAppend() {
        List<Message.Append> old = network.oldAppends();
        if (old.isEmpty()) {
            return;
        }
        long maxTerm = 0;
        long leader = 0;
        for (SimNode n : nodes) {
            if (n.up) {
                Status st = n.replica.status();
                if (st.hardState().term() > maxTerm) {
                    maxTerm = st.hardState().term();
                    leader = 0;
                }
                if (st.role() == Role.LEADER && st.hardState().term() == maxTerm) {
                    leader = n.id;
                }
            }
        }
        Message.Append a = old.get(random.nextInt(old.size()));
        if (a.term() >= maxTerm || leader == 0 || leader == a.to()) {
            return;
        }
        Message.Append forged =
                new Message.Append(leader, a.to(), maxTerm, a.prevIndex(), a.prevTerm(), a.entries(), a.commit());
        record("stale append re-delivered", forged);
        network.inject(forged, tick * TIME_PER_TICK);
    }

    private void check() {
        if (checker.violation().isPresent()) {
            return;
        }
        checker.check(nodes);
        checker.violation().ifPresent(v -> record("violation", v));
    }

    // ---------------------------------------------------------------- helpers

    private Optional<SimNode> randomUpNode() {
        List<SimNode> up = nodes.stream().filter(n -> n.up).toList();
        return up.isEmpty() ? Optional.empty() : Optional.of(up.get(random.nextInt(up.size())));
    }

    private SimNode node(long id) {
        return nodes.get((int) id - 1);
    }

    private Set<Long> allIds() {
        Set<Long> ids = new HashSet<>();
        nodes.forEach(n -> ids.add(n.id));
        return ids;
    }

    private void record(String what, Object detail) {
        if (trace.size() == TRACE_LENGTH) {
            trace.pollFirst();
        }
        trace.addLast(new TraceEvent(tick, what, detail));
    }
}
