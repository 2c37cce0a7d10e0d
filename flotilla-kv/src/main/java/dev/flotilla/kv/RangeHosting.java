package dev.flotilla.kv;

import dev.flotilla.kv.command.RangeDescriptor;
import dev.flotilla.raft.Membership;
import dev.flotilla.runtime.RaftNode;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this node host every range split off at run time that it knows of (docs/kv-server.md, "Splitting a range"):
 *
 * <ul>
 *   <li>a range whose data this node holds (it applied the split, or restored the range's snapshot) is created with
 *       its log compacted at the descriptor's initial index, its members the descriptor's initial voters;
 *   <li>a range it knows only as split off one of its ranges (it restored that range's snapshot, taken after the
 *       split) is joined with an empty log: the new range's leader then sends it a snapshot.
 * </ul>
 *
 * Runs at start (which covers a crash between a split's flush and its group's creation) and whenever the store's
 * ranges change, on the Raft driver thread: it only starts asynchronous work. The configured ranges are the server's
 * to create. Thread-safe.
 */
final class RangeHosting {
    private static final Logger LOG = LoggerFactory.getLogger(RangeHosting.class);

    private final long nodeId;
    private final KvStore store;
    private final CurrentRanges ranges;
    private final Set<Long> requested = ConcurrentHashMap.newKeySet();
    private volatile Optional<RaftNode> node = Optional.empty();

    RangeHosting(long nodeId, KvStore store, CurrentRanges ranges) {
        this.nodeId = nodeId;
        this.store = store;
        this.ranges = ranges;
    }

    /** From now on, hosts ranges on {@code raftNode}; hosts those already known at once. */
    void start(RaftNode raftNode) {
        node = Optional.of(raftNode);
        refresh();
    }

    /** Rebuilds the range map from the store and hosts the ranges this node does not host yet. */
    void refresh() {
        RangeMap map = ranges.refresh();
        if (node.isEmpty()) {
            return; // start() comes back for them
        }
        RaftNode raft = node.get();
        Set<Long> configured = new HashSet<>(ranges.configured().rangeIds());
        Map<Long, RangeDescriptor> local = store.localRanges();
        for (long id : map.rangeIds()) {
            if (configured.contains(id) || raft.groups().contains(id) || !requested.add(id)) {
                continue;
            }
            RangeDescriptor descriptor = local.get(id);
            if (descriptor != null
                    && descriptor.getInitialIndex() > 0
                    && !descriptor.getInitialVotersList().contains(nodeId)) {
                // A node added after the split: it holds the data (it replayed the split) but is no member.
                LOG.info("not hosting range {}: node {} is not among its members", id, nodeId);
            } else if (descriptor != null && descriptor.getInitialIndex() > 0) {
                LOG.info("hosting range {}, split off with its data here", id);
                raft.createGroup(
                                id,
                                Membership.ofVoters(Set.copyOf(descriptor.getInitialVotersList())),
                                descriptor.getInitialIndex())
                        .whenComplete((ok, error) -> failed(id, error));
            } else {
                LOG.info("joining range {}, split off without its data here: it comes as a snapshot", id);
                raft.joinGroup(id).whenComplete((ok, error) -> failed(id, error));
            }
        }
    }

    private void failed(long id, Throwable error) {
        if (error != null) {
            LOG.warn("hosting range {} failed; the next change of ranges tries again", id, error);
            requested.remove(id);
        }
    }
}
