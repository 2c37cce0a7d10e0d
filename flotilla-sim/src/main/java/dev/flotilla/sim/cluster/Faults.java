package dev.flotilla.sim.cluster;

import dev.flotilla.raft.ConfChange;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * The fault schedule of a run: until {@link #healAll()}, every 30–200 ms one fault at random: a node crash (with a
 * torn write, and on one node of the run perhaps a bit flip) and its restart later, a power loss of every node at
 * once, a partition and its healing, a full disk for a while, a leadership transfer in a group, or a membership change
 * in a group (a voter removed, later added back as a learner, then promoted). At most a minority of nodes is down at
 * once, counting a node whose disk was lost to a bit flip. Healing makes every node a voter of every group again, so
 * that all replicas must converge.
 */
final class Faults {
    private final EventQueue clock;
    private final Random random;
    private final List<ClusterNode> nodes;
    private final ClusterNetwork network;
    private final int groups;
    private final Set<Long> all = new TreeSet<>();
    /** The one node whose disk may flip a bit; at most one node per run loses its disk. */
    private final long flakyNode;

    private boolean healed;
    private int crashes;
    private int powerLosses;
    private int partitions;
    private int fullDisks;
    private int transfers;
    private int membershipChanges;
    private int bitFlips;

    Faults(EventQueue clock, Random random, List<ClusterNode> nodes, ClusterNetwork network, int groups) {
        this.clock = clock;
        this.random = random;
        this.nodes = nodes;
        this.network = network;
        this.groups = groups;
        nodes.forEach(n -> all.add(n.id()));
        this.flakyNode = nodes.get(random.nextInt(nodes.size())).id();
    }

    void start() {
        scheduleNext();
    }

    private void scheduleNext() {
        clock.after(30 + random.nextInt(170), "fault", () -> {
            if (!healed) {
                injectOne();
                scheduleNext();
            }
        });
    }

    private void injectOne() {
        int pick = random.nextInt(100);
        if (pick < 8) {
            powerLoss();
        } else if (pick < 30) {
            crashOne();
        } else if (pick < 50) {
            partition();
        } else if (pick < 65) {
            fillDisk();
        } else if (pick < 82) {
            transferLeadership();
        } else if (pick < 92) {
            changeMembership(true);
        } else {
            network.heal();
        }
    }

    private void crashOne() {
        long notUp =
                nodes.stream().filter(n -> n.state() != ClusterNode.State.UP).count();
        if (notUp >= (nodes.size() - 1) / 2) {
            return;
        }
        ClusterNode victim = nodes.get(random.nextInt(nodes.size()));
        // A lost disk takes a node away for good: only while every group keeps all voters, so none loses its quorum.
        boolean flip = victim.id() == flakyNode && bitFlips == 0 && random.nextInt(4) == 0 && allVotersEverywhere();
        String what = victim.crash(random.nextBoolean(), flip);
        crashes++;
        if (what.contains("bit flip")) {
            bitFlips++;
        }
        clock.after(50 + random.nextInt(1000), "restart node " + victim.id() + " (" + what + ")", () -> {
            if (!healed) {
                victim.start();
            }
        });
    }

    /** Every node loses power at once: only what each disk made durable survives, so commits must be durable. */
    private void powerLoss() {
        for (ClusterNode node : nodes) {
            if (node.state() == ClusterNode.State.UP) {
                node.crash(random.nextBoolean(), false);
                clock.after(50 + random.nextInt(450), "power back on node " + node.id(), () -> {
                    if (!healed) {
                        node.start();
                    }
                });
            }
        }
        powerLosses++;
    }

    private void partition() {
        List<Long> shuffled = new ArrayList<>(all);
        java.util.Collections.shuffle(shuffled, random);
        int size = 1 + random.nextInt(nodes.size() / 2);
        network.partition(new TreeSet<>(shuffled.subList(0, size)), all);
        partitions++;
        clock.after(100 + random.nextInt(900), "heal partition", network::heal);
    }

    private void fillDisk() {
        ClusterNode node = nodes.get(random.nextInt(nodes.size()));
        node.setDiskFull(true);
        fullDisks++;
        clock.after(
                50 + random.nextInt(450),
                "disk of node " + node.id() + " has space again",
                () -> node.setDiskFull(false));
    }

    private void transferLeadership() {
        long groupId = 1 + random.nextInt(groups);
        for (ClusterNode node : nodes) {
            if (node.leads(groupId)) {
                long target = nodes.get(random.nextInt(nodes.size())).id();
                if (target != node.id()) {
                    node.run(l -> l.transferLeadership(groupId, target, new CompletableFuture<>()));
                    transfers++;
                }
                return;
            }
        }
    }

    /**
     * One step of a group's membership walk, proposed on its leader: a member that is neither voter nor learner is
     * added back as a learner; else a learner is promoted; else (only if {@code mayRemove}) a voter other than the
     * leader is removed. Deciding from the membership in force, not from what was proposed before, lets a change lost
     * to a fault simply be taken again.
     *
     * @return whether the group has every node as a voter
     */
    private boolean changeMembership(long groupId, boolean mayRemove) {
        Optional<ClusterNode> leader =
                nodes.stream().filter(n -> n.leads(groupId)).findFirst();
        if (leader.isEmpty()) {
            return false;
        }
        Membership current = leader.get().status(groupId).orElseThrow().membership();
        if (current.isJoint()) {
            return false;
        }
        Optional<Long> missing =
                all.stream().filter(id -> !current.allMembers().contains(id)).findFirst();
        ConfChange change;
        if (missing.isPresent()) {
            change = ConfChange.of(ConfChange.ChangeType.ADD_LEARNER, missing.get());
        } else if (!current.learners().isEmpty()) {
            change = ConfChange.of(
                    ConfChange.ChangeType.PROMOTE_LEARNER,
                    current.learners().iterator().next());
        } else if (mayRemove && nodes.stream().noneMatch(n -> n.state() == ClusterNode.State.DISK_LOST)) {
            List<Long> others = current.voters().stream()
                    .filter(id -> id != leader.get().id())
                    .toList();
            if (others.isEmpty()) {
                return true;
            }
            change = ConfChange.of(ConfChange.ChangeType.REMOVE_NODE, others.get(random.nextInt(others.size())));
        } else {
            return true;
        }
        leader.get().run(l -> l.changeMembership(groupId, change, new CompletableFuture<>()));
        membershipChanges++;
        return false;
    }

    private boolean allVotersEverywhere() {
        for (long g = 1; g <= groups; g++) {
            long groupId = g;
            boolean full = nodes.stream()
                    .flatMap(n -> n.status(groupId).stream())
                    .filter(status -> status.role() == Role.LEADER)
                    .anyMatch(status -> status.membership().voters().equals(all));
            if (!full) {
                return false;
            }
        }
        return true;
    }

    private void changeMembership(boolean mayRemove) {
        changeMembership(1 + random.nextInt(groups), mayRemove);
    }

    /** Ends the faults: a calm network, disks with space, every node that can restart restarted, full memberships. */
    void healAll() {
        healed = true;
        network.calm();
        for (ClusterNode node : nodes) {
            node.setDiskFull(false);
            node.start();
        }
        restoreMemberships();
    }

    /** Until every node is a voter of every group again: one step per group, every 50 ms. */
    private void restoreMemberships() {
        boolean restored = true;
        for (long g = 1; g <= groups; g++) {
            restored &= changeMembership(g, false);
        }
        if (!restored) {
            clock.after(50, "restore memberships", this::restoreMemberships);
        }
    }

    String summary() {
        return crashes + " crashes, " + powerLosses + " power losses, " + partitions + " partitions, " + fullDisks
                + " full disks, " + transfers + " leadership transfers, " + membershipChanges + " membership changes, "
                + bitFlips
                + " bit flips";
    }
}
