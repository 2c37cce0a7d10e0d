package dev.flotilla.kv.metrics;

import dev.flotilla.raft.ConfChange;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.Status;
import dev.flotilla.runtime.RaftNode;
import dev.flotilla.runtime.ReadConsistency;
import dev.flotilla.runtime.SnapshotTraffic;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A {@link RaftNode} that times every proposal, per range, from the call until its future completes (committed and
 * applied on this node, or failed). Everything else goes to the wrapped node unchanged.
 */
final class ProposalTimingNode implements RaftNode {
    private final RaftNode node;
    private final MeterRegistry registry;
    private final Map<Long, Timer> timers = new ConcurrentHashMap<>();

    ProposalTimingNode(RaftNode node, MeterRegistry registry) {
        this.node = node;
        this.registry = registry;
    }

    @Override
    public CompletableFuture<byte[]> propose(long groupId, byte[] command) {
        Timer timer = timers.computeIfAbsent(groupId, range -> Timer.builder("flotilla.proposal")
                .description("proposals from submission until applied on this node (or failed)")
                .tag("range", Long.toString(range))
                .publishPercentileHistogram()
                .register(registry));
        long start = System.nanoTime();
        CompletableFuture<byte[]> result = node.propose(groupId, command);
        result.whenComplete((value, failure) -> timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
        return result;
    }

    @Override
    public CompletableFuture<Void> createGroup(long groupId, Membership initialMembers) {
        return node.createGroup(groupId, initialMembers);
    }

    @Override
    public CompletableFuture<Void> createGroup(long groupId, Membership initialMembers, long initialIndex) {
        return node.createGroup(groupId, initialMembers, initialIndex);
    }

    @Override
    public CompletableFuture<Void> joinGroup(long groupId) {
        return node.joinGroup(groupId);
    }

    @Override
    public CompletableFuture<Membership> changeMembership(long groupId, ConfChange change) {
        return node.changeMembership(groupId, change);
    }

    @Override
    public CompletableFuture<Void> awaitLinearizable(long groupId) {
        return node.awaitLinearizable(groupId);
    }

    @Override
    public CompletableFuture<byte[]> read(long groupId, byte[] query, ReadConsistency consistency) {
        return node.read(groupId, query, consistency);
    }

    @Override
    public CompletableFuture<Void> transferLeadership(long groupId, long target) {
        return node.transferLeadership(groupId, target);
    }

    @Override
    public CompletableFuture<Optional<Status>> status(long groupId) {
        return node.status(groupId);
    }

    @Override
    public SnapshotTraffic snapshotTraffic() {
        return node.snapshotTraffic();
    }

    @Override
    public Set<Long> groups() {
        return node.groups();
    }

    @Override
    public void close() {
        node.close();
    }
}
