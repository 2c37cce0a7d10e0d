package dev.flotilla.raft.impl;

import static dev.flotilla.raft.RaftConfig.NO_NODE;

import dev.flotilla.raft.ConfChange;
import dev.flotilla.raft.Entry;
import dev.flotilla.raft.EntryType;
import dev.flotilla.raft.Message;
import dev.flotilla.raft.Message.Append;
import dev.flotilla.raft.Message.AppendResponse;
import dev.flotilla.raft.Message.ForwardedProposal;
import dev.flotilla.raft.Message.ForwardedReadIndex;
import dev.flotilla.raft.Message.Heartbeat;
import dev.flotilla.raft.Message.HeartbeatResponse;
import dev.flotilla.raft.Message.InstallSnapshot;
import dev.flotilla.raft.Message.ReadIndexResponse;
import dev.flotilla.raft.Message.TimeoutNow;
import dev.flotilla.raft.ProposalRejectedException;
import dev.flotilla.raft.ProposalRejectedException.Reason;
import dev.flotilla.raft.RaftConfig;
import dev.flotilla.raft.ReadOnlyMode;
import dev.flotilla.raft.ReadState;
import dev.flotilla.raft.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One term of leadership: replication to each member (probe, replicate, snapshot), the commit rule, proposal
 * admission, linearizable reads, leadership transfer. Created when the replica wins an election and dropped when it
 * steps down, so none of this state outlives the term. Section numbers refer to the Raft paper.
 */
final class Leadership {
    private static final byte[] NO_CONTEXT = new byte[0];

    private final RaftConfig config;
    private final long id;
    private final long term;
    private final RaftLog log;
    private final ProgressTracker tracker;
    private final Outbox outbox;
    private final ReadIndexQueue readIndexQueue = new ReadIndexQueue();
    /** Reads received before an entry of this term committed: until then the commit index is not known. */
    private final List<ForwardedReadIndex> readsAwaitingFirstCommit = new ArrayList<>();

    private long clock;
    private int heartbeatElapsed;
    /** Ticks since the last check-quorum round; also times out a leadership transfer. */
    private int roundElapsed;

    private long transferTarget = NO_NODE;
    /** Index of the last configuration change appended; no new one until it is applied. */
    private long pendingConfIndex;

    private long uncommittedBytes;

    private Leadership(RaftConfig config, long term, RaftLog log, ProgressTracker tracker, Outbox outbox, long clock) {
        this.config = config;
        this.id = config.nodeId();
        this.term = term;
        this.log = log;
        this.tracker = tracker;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** Takes office: resets every member's progress and appends an empty entry of the new term. */
    static Leadership start(
            RaftConfig config, long term, RaftLog log, ProgressTracker tracker, Outbox outbox, long clock) {
        Leadership l = new Leadership(config, term, log, tracker, outbox, clock);
        tracker.resetProgress(log.lastIndex() + 1);
        Progress self = tracker.progress(l.id);
        if (self != null) {
            self.maybeUpdate(log.lastStableIndex());
            self.becomeReplicate();
            self.recentActive = true;
        }
        // §5.4.2: previous terms' entries commit only with one of ours; §8: the same commit settles reads.
        l.pendingConfIndex = log.lastIndex();
        log.append(List.of(new Entry(log.lastIndex() + 1, term, EntryType.NORMAL, new byte[0])));
        l.broadcastAppend();
        return l;
    }

    /**
     * Every member holds the whole log up to {@code lastIndex} and has acknowledged a heartbeat carrying the commit
     * index, and no transfer or read is under way. Without the acknowledged commit a leader could go quiet after its
     * last heartbeat was lost (a reconnect): the follower would hold every entry but never learn that they committed.
     */
    boolean isSettled(long lastIndex) {
        if (transferTarget != NO_NODE || !readIndexQueue.isEmpty() || !readsAwaitingFirstCommit.isEmpty()) {
            return false;
        }
        for (Map.Entry<Long, Progress> e : tracker.allProgress().entrySet()) {
            Progress progress = e.getValue();
            if (progress.match != lastIndex || (e.getKey() != id && progress.commitAcked < log.committed())) {
                return false;
            }
        }
        return true;
    }

    Optional<Long> transferTarget() {
        return transferTarget == NO_NODE ? Optional.empty() : Optional.of(transferTarget);
    }

    /** Returns false if check-quorum finds no live quorum: the leader must step down. */
    boolean tick(long now) {
        clock = now;
        heartbeatElapsed++;
        roundElapsed++;
        if (roundElapsed >= config.electionTicks()) {
            roundElapsed = 0;
            if (config.checkQuorum()) {
                if (!tracker.hasQuorum(node -> node == id || isRecentlyActive(node))) {
                    return false;
                }
                tracker.allProgress().values().forEach(p -> p.recentActive = false);
            }
            transferTarget = NO_NODE;
        }
        if (heartbeatElapsed >= config.heartbeatTicks()) {
            heartbeatElapsed = 0;
            broadcastHeartbeat(readIndexQueue.latestContext().orElse(NO_CONTEXT));
        }
        return true;
    }

    private boolean isRecentlyActive(long node) {
        Progress p = tracker.progress(node);
        return p != null && p.recentActive;
    }

    /** Handles a message of this term addressed to the leader. */
    void step(Message m) {
        if (m instanceof AppendResponse r) {
            handleAppendResponse(r);
        } else if (m instanceof HeartbeatResponse r) {
            handleHeartbeatResponse(r);
        } else if (m instanceof ForwardedProposal p) {
            try {
                propose(p.type(), p.data());
            } catch (ProposalRejectedException e) {
                // Documented: a forwarded proposal the leader refuses is dropped; the proposer times out.
            }
        } else if (m instanceof ForwardedReadIndex r) {
            readIndex(r.from(), r.context());
        }
    }

    // ---------------------------------------------------------------- replication

    private void handleAppendResponse(AppendResponse r) {
        Progress pr = tracker.progress(r.from());
        if (pr == null) {
            return;
        }
        pr.recentActive = true;
        if (r.reject()) {
            long hint = r.hintIndex();
            if (r.hintTerm() > 0) {
                hint = log.conflictHint(r.hintIndex(), r.hintTerm())[0];
            }
            if (pr.maybeDecreaseTo(r.index(), hint)) {
                if (pr.state == Progress.State.REPLICATE) {
                    pr.becomeProbe();
                }
                sendAppend(r.from(), true);
            }
            return;
        }
        boolean wasPaused = pr.isPaused();
        if (!pr.maybeUpdate(r.index())) {
            return;
        }
        switch (pr.state) {
            case PROBE -> pr.becomeReplicate();
            case SNAPSHOT -> {
                if (pr.match + 1 >= log.firstIndex()) {
                    pr.becomeProbe();
                    pr.becomeReplicate();
                }
            }
            case REPLICATE -> pr.inflights.freeUpTo(r.index());
        }
        if (maybeCommit()) {
            broadcastAppend();
        } else if (wasPaused) {
            sendAppend(r.from(), true);
        }
        while (sendAppend(r.from(), false)) {
            // Fill the in-flight window.
        }
        if (r.from() == transferTarget && pr.match == log.lastIndex()) {
            outbox.sendEarly(new TimeoutNow(id, r.from(), term));
        }
    }

    private void handleHeartbeatResponse(HeartbeatResponse r) {
        Progress pr = tracker.progress(r.from());
        if (pr == null) {
            return;
        }
        pr.recentActive = true;
        pr.probeSent = false;
        pr.ackedSentAtTick = Math.max(pr.ackedSentAtTick, r.sentAtTick());
        if (r.sentAtTick() >= pr.heartbeatCommitSince) {
            pr.commitAcked = Math.max(pr.commitAcked, pr.heartbeatCommit);
        }
        if (pr.state == Progress.State.REPLICATE && pr.inflights.isFull()) {
            pr.inflights.freeFirst();
        }
        if (pr.match < log.lastIndex()) {
            sendAppend(r.from(), true);
        }
        if (r.context().length > 0) {
            for (ReadIndexQueue.PendingRead read :
                    readIndexQueue.ack(r.context(), r.from(), acks -> tracker.hasQuorum(acks::contains))) {
                answerRead(read.requester(), read.index(), read.context());
            }
        }
    }

    /** Sends entries from the member's next index, or a snapshot if they are compacted. Returns false if nothing. */
    private boolean sendAppend(long to, boolean evenIfEmpty) {
        Progress pr = tracker.progress(to);
        if (pr == null || to == id || pr.isPaused()) {
            return false;
        }
        long prevIndex = pr.next - 1;
        Optional<List<Entry>> entries = prevIndex < log.snapshot().index()
                ? Optional.empty()
                : log.entriesFrom(pr.next, config.maxBytesPerMessage());
        if (entries.isEmpty()) {
            sendSnapshot(to, pr);
            return false;
        }
        List<Entry> batch = entries.get();
        if (batch.isEmpty() && !evenIfEmpty) {
            return false;
        }
        long bytes = 0;
        for (Entry e : batch) {
            bytes += e.sizeBytes();
        }
        outbox.sendEarly(new Append(id, to, term, prevIndex, log.termOrZero(prevIndex), batch, log.committed()));
        pr.sentEntries(batch.isEmpty() ? prevIndex : batch.get(batch.size() - 1).index(), bytes, batch.size());
        return !batch.isEmpty();
    }

    private void sendSnapshot(long to, Progress pr) {
        if (!pr.recentActive) {
            // Do not ship a snapshot to a member that may be down; wait until it answers.
            return;
        }
        SnapshotMeta snap = log.snapshot();
        outbox.sendEarly(new InstallSnapshot(id, to, term, snap));
        pr.becomeSnapshot(snap.index());
    }

    void broadcastAppend() {
        for (long to : tracker.allProgress().keySet()) {
            if (to != id) {
                sendAppend(to, true);
            }
        }
    }

    private void broadcastHeartbeat(byte[] context) {
        for (Map.Entry<Long, Progress> e : tracker.allProgress().entrySet()) {
            if (e.getKey() != id) {
                Progress pr = e.getValue();
                long commit = Math.min(pr.match, log.committed());
                if (commit != pr.heartbeatCommit) {
                    pr.heartbeatCommit = commit;
                    pr.heartbeatCommitSince = clock;
                }
                outbox.sendEarly(new Heartbeat(id, e.getKey(), term, commit, context, clock));
            }
        }
    }

    /** §5.3, §5.4.2: advances the commit index to what a quorum holds, if that entry is from this term. */
    private boolean maybeCommit() {
        if (!log.maybeCommit(tracker.committedIndex(), term)) {
            return false;
        }
        if (!readsAwaitingFirstCommit.isEmpty()) {
            List<ForwardedReadIndex> waiting = List.copyOf(readsAwaitingFirstCommit);
            readsAwaitingFirstCommit.clear();
            waiting.forEach(r -> readIndex(r.from(), r.context()));
        }
        return true;
    }

    /** The caller made the leader's own log durable up to {@code lastStableIndex}: it now counts towards commit. */
    void persisted(long lastStableIndex) {
        Progress self = tracker.progress(id);
        // §10.2.1 of the thesis: the leader counts itself only once its own copy is durable.
        if (self != null && self.maybeUpdate(lastStableIndex) && maybeCommit()) {
            broadcastAppend();
        }
    }

    void reportUnreachable(long node) {
        Progress pr = tracker.progress(node);
        if (pr != null && pr.state == Progress.State.REPLICATE) {
            pr.becomeProbe();
        }
    }

    void reportSnapshot(long node, boolean success) {
        Progress pr = tracker.progress(node);
        if (pr == null || pr.state != Progress.State.SNAPSHOT) {
            return;
        }
        if (!success) {
            pr.pendingSnapshot = 0;
        }
        pr.becomeProbe();
        // Wait for the member's next response before probing again.
        pr.probeSent = true;
    }

    // ---------------------------------------------------------------- proposals and membership

    void propose(EntryType type, byte[] data) {
        if (transferTarget != NO_NODE) {
            throw new ProposalRejectedException(
                    Reason.TRANSFER_IN_PROGRESS, "leadership is being transferred to " + transferTarget);
        }
        if (uncommittedBytes > 0 && uncommittedBytes + data.length > config.maxUncommittedEntriesBytes()) {
            throw new ProposalRejectedException(
                    Reason.UNCOMMITTED_BYTES_LIMIT,
                    uncommittedBytes + " bytes are uncommitted; " + data.length + " more would exceed "
                            + config.maxUncommittedEntriesBytes());
        }
        if (type == EntryType.CONF_CHANGE) {
            checkConfChange(data);
        }
        Entry entry = new Entry(log.lastIndex() + 1, term, type, data);
        if (type == EntryType.CONF_CHANGE) {
            pendingConfIndex = entry.index();
        }
        uncommittedBytes += entry.sizeBytes();
        log.append(List.of(entry));
        broadcastAppend();
    }

    private void checkConfChange(byte[] data) {
        if (pendingConfIndex > log.applied()) {
            throw new ProposalRejectedException(
                    Reason.CONF_CHANGE_NOT_ALLOWED,
                    "the configuration change at index " + pendingConfIndex + " is not applied yet (applied: "
                            + log.applied() + ")");
        }
        try {
            ConfChangeApplier.apply(tracker.membership(), ConfChange.decode(data));
        } catch (IllegalArgumentException e) {
            throw new ProposalRejectedException(Reason.CONF_CHANGE_NOT_ALLOWED, e.getMessage());
        }
    }

    /** Committed entries were applied: they no longer count as uncommitted, and a joint state may be left. */
    void applied(List<Entry> entries) {
        for (Entry e : entries) {
            if (e.term() == term) {
                uncommittedBytes = Math.max(0, uncommittedBytes - e.sizeBytes());
            }
        }
        if (tracker.membership().isJoint() && tracker.membership().autoLeave() && pendingConfIndex <= log.applied()) {
            try {
                propose(EntryType.CONF_CHANGE, ConfChange.leaveJoint().encode());
            } catch (ProposalRejectedException e) {
                // Retried after the next apply (for example once a transfer ends or bytes commit).
            }
        }
    }

    /** The membership changed under this leader (which is still a voter). */
    void membershipChanged() {
        if (transferTarget != NO_NODE && !tracker.isVoter(transferTarget)) {
            transferTarget = NO_NODE;
        }
        tracker.progress(id).maybeUpdate(log.lastStableIndex());
        // A smaller quorum may commit more; new members need the log either way.
        maybeCommit();
        broadcastAppend();
    }

    // ---------------------------------------------------------------- reads

    /** §6.4 of the thesis: a read is safe at the commit index once leadership is confirmed after it arrived. */
    void readIndex(long requester, byte[] context) {
        if (tracker.isSingleVoter(id)) {
            answerRead(requester, log.committed(), context);
            return;
        }
        if (log.termOrZero(log.committed()) != term) {
            readsAwaitingFirstCommit.add(new ForwardedReadIndex(requester, id, term, context));
            return;
        }
        if (config.readOnlyMode() == ReadOnlyMode.LEASE_BASED && leaseValid()) {
            answerRead(requester, log.committed(), context);
            return;
        }
        broadcastHeartbeat(readIndexQueue.add(log.committed(), requester, context, id));
    }

    /**
     * A member that acknowledged a heartbeat sent at tick {@code s} votes for nobody else until its own clock has
     * moved {@code electionTicks} past it (check-quorum); one tick of margin covers skew.
     */
    private boolean leaseValid() {
        if (transferTarget != NO_NODE) {
            // The transfer target may be elected at any moment, lease or not.
            return false;
        }
        long oldestValid = clock - (config.electionTicks() - 1) + 1;
        return tracker.hasQuorum(node -> {
            if (node == id) {
                return true;
            }
            Progress p = tracker.progress(node);
            return p != null && p.ackedSentAtTick >= oldestValid;
        });
    }

    private void answerRead(long requester, long index, byte[] context) {
        if (requester == id) {
            outbox.readSafe(new ReadState(index, context));
        } else {
            outbox.sendEarly(new ReadIndexResponse(id, requester, term, index, context));
        }
    }

    // ---------------------------------------------------------------- transfer

    void transferTo(long target) {
        if (target == id || !tracker.isVoter(target)) {
            throw new ProposalRejectedException(
                    Reason.INVALID_TRANSFER_TARGET, "node " + target + " is not another voter of the group");
        }
        if (transferTarget == target) {
            return;
        }
        transferTarget = target;
        roundElapsed = 0;
        Progress pr = tracker.progress(target);
        if (pr.match == log.lastIndex()) {
            outbox.sendEarly(new TimeoutNow(id, target, term));
        } else {
            sendAppend(target, true);
        }
    }
}
