package dev.flotilla.kv.lease;

import dev.flotilla.kv.KvStore;
import dev.flotilla.kv.command.Command;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseRevokeRequest;
import dev.flotilla.raft.Role;
import dev.flotilla.raft.Status;
import dev.flotilla.runtime.RaftNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides lease expiry for the ranges this node leads. Every tick it looks at each range's Raft status: when this node
 * has become the range's leader (or leads it in a new term) it first {@linkplain LeaseClock#extendAll extends} every
 * lease by the election timeout, as etcd's new leaders do, so that keep-alives the old leader received cannot be
 * missed; then, while it leads, it proposes a revoke for each lease whose deadline has passed. The revoke goes through
 * Raft like any write, so every replica deletes the same keys at the same revision; a proposal that fails (leadership
 * lost) is retried on a later tick if this node still leads and the lease is still due.
 *
 * <p>Runs on {@code timer}; {@link #isLeader} may be read from any thread.
 */
public final class LeaseKeeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

    private final RaftNode node;
    private final KvStore store;
    private final Supplier<List<Long>> ranges;
    private final Duration electionTimeout;
    private final BiConsumer<Long, Status> statusObserver;
    private final Map<Long, Long> leadingTerms = new ConcurrentHashMap<>();
    private final Set<Long> revoking = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;
    private final ScheduledFuture<?> task;

    /**
     * @param ranges the ranges this node hosts
     * @param statusObserver sees every status this keeper reads (e.g. to keep response headers' terms fresh)
     */
    public LeaseKeeper(
            RaftNode node,
            KvStore store,
            Supplier<List<Long>> ranges,
            Duration tick,
            Duration electionTimeout,
            BiConsumer<Long, Status> statusObserver,
            ScheduledExecutorService timer) {
        this.node = node;
        this.store = store;
        this.ranges = ranges;
        this.electionTimeout = electionTimeout;
        this.statusObserver = statusObserver;
        this.timer = timer;
        this.task = timer.scheduleWithFixedDelay(this::tick, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether this node led the range at the last tick, and has extended its leases since it became leader. */
    public boolean isLeader(long rangeId) {
        return leadingTerms.containsKey(rangeId);
    }

    private void tick() {
        for (long range : ranges.get()) {
            node.status(range).thenAcceptAsync(status -> onStatus(range, status), timer);
        }
    }

    private void onStatus(long range, Optional<Status> status) {
        status.ifPresent(s -> statusObserver.accept(range, s));
        if (status.isEmpty() || status.get().role() != Role.LEADER) {
            leadingTerms.remove(range);
            return;
        }
        long term = status.get().hardState().term();
        Long ledTerm = leadingTerms.get(range);
        if (ledTerm == null || ledTerm != term) {
            store.leaseClock(range).extendAll(electionTimeout);
            leadingTerms.put(range, term);
            LOG.info(
                    "range {}: leading in term {}, every lease extended by {} ms",
                    range,
                    term,
                    electionTimeout.toMillis());
        }
        for (long lease : store.leaseClock(range).expired()) {
            if (revoking.add(lease)) {
                revoke(range, lease);
            }
        }
    }

    private void revoke(long range, long lease) {
        byte[] command = Command.newBuilder()
                .setLeaseRevoke(LeaseRevokeRequest.newBuilder().setID(lease))
                .build()
                .toByteArray();
        node.propose(range, command).whenComplete((result, failure) -> {
            revoking.remove(lease);
            if (failure != null) {
                LOG.debug(
                        "range {}: revoking expired lease {} failed, will retry: {}", range, lease, failure.toString());
            }
        });
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
