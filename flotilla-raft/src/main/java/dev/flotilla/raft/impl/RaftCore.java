package dev.flotilla.raft.impl;

import static dev.flotilla.raft.RaftConfig.NO_NODE;

import dev.flotilla.raft.ConfChange;
import dev.flotilla.raft.Entry;
import dev.flotilla.raft.EntryType;
import dev.flotilla.raft.HardState;
import dev.flotilla.raft.LogStorage;
import dev.flotilla.raft.Membership;
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
import dev.flotilla.raft.Message.VoteRequest;
import dev.flotilla.raft.Message.VoteResponse;
import dev.flotilla.raft.ProposalRejectedException;
import dev.flotilla.raft.ProposalRejectedException.Reason;
import dev.flotilla.raft.RaftConfig;
import dev.flotilla.raft.RaftReplica;
import dev.flotilla.raft.ReadState;
import dev.flotilla.raft.Ready;
import dev.flotilla.raft.Role;
import dev.flotilla.raft.SnapshotMeta;
import dev.flotilla.raft.SoftState;
import dev.flotilla.raft.Status;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The Raft state machine of one replica: terms, roles and elections (with pre-vote and check-quorum), the follower's
 * side of replication, and the Ready/advance cycle. While this replica leads, a {@link Leadership} does the leader's
 * work; the log, quorum arithmetic and membership arithmetic live in {@link RaftLog}, {@link ProgressTracker} and
 * {@link ConfChangeApplier}. Section numbers refer to the Raft paper.
 */
public final class RaftCore implements RaftReplica {
    private final RaftConfig config;
    private final long id;
    private final RaftLog log;
    private final ProgressTracker tracker;
    private final Outbox outbox;
    private final Random random;

    private long term;
    private long vote;
    private long lead = NO_NODE;
    private Role role = Role.FOLLOWER;
    /** Present exactly while {@code role == LEADER}. */
    private Optional<Leadership> leadership = Optional.empty();

    private int electionElapsed;
    private int randomizedElectionTimeout;
    /** Ticks since creation: the clock a leader dates its lease with. */
    private long clock;
    /**
     * A restarted voter cannot know whether it recently heard a leader, so with check-quorum it treats its first
     * election timeout as a lease it must not break. A new group (term 0) never had a leader.
     */
    private boolean quietAfterStart;

    private SoftState lastSoftState;
    private HardState lastHardState;
    private Optional<Ready> outstanding = Optional.empty();

    public RaftCore(RaftConfig config, LogStorage storage) {
        this.config = config;
        this.id = config.nodeId();
        HardState hs = storage.hardState();
        this.log = new RaftLog(storage, hs.commit());
        this.tracker = new ProgressTracker(
                storage.snapshot().membership(), config.maxInflightMessages(), config.maxInflightBytes());
        this.outbox = new Outbox(hs.term());
        this.term = hs.term();
        this.vote = hs.vote();
        this.quietAfterStart = hs.term() > 0;
        // Mixing in the id keeps replicas sharing a seed from timing out in lockstep.
        this.random = new Random(config.randomSeed() * 0x9E3779B97F4A7C15L + id);
        this.lastSoftState = softState();
        this.lastHardState = hardState();
        resetRandomizedElectionTimeout();
    }

    // ---------------------------------------------------------------- clock and elections

    @Override
    public void tick() {
        clock++;
        if (leadership.isPresent()) {
            if (!leadership.get().tick(clock)) {
                // Check-quorum: no live quorum heard for an election timeout.
                becomeFollower(term, NO_NODE);
            }
            return;
        }
        electionElapsed++;
        if (electionElapsed >= config.electionTicks()) {
            quietAfterStart = false;
        }
        if (isPromotable() && electionElapsed >= randomizedElectionTimeout) {
            electionElapsed = 0;
            campaign(config.preVote(), false);
        }
    }

    @Override
    public void confirmLeaderAlive() {
        if (role == Role.FOLLOWER && lead != NO_NODE) {
            electionElapsed = 0;
        }
    }

    @Override
    public void campaign() {
        campaign(config.preVote(), false);
    }

    /**
     * Starts an election: a pre-vote round (§9.6 of the thesis: ask first, without touching anyone's term) or a real
     * one. {@code leadershipTransfer} elections skip the pre-vote and override voters' leases.
     */
    private void campaign(boolean preVote, boolean leadershipTransfer) {
        if (!isPromotable()) {
            return;
        }
        long electionTerm;
        if (preVote) {
            becomePreCandidate();
            electionTerm = term + 1;
        } else {
            reset(term + 1);
            role = Role.CANDIDATE;
            vote = id;
            electionTerm = term;
        }
        tracker.recordVote(id, true);
        if (tracker.voteResult() == ProgressTracker.VoteResult.WON) {
            electionWon();
            return;
        }
        for (long voter : tracker.membership().allMembers()) {
            if (voter != id && tracker.isVoter(voter)) {
                outbox.sendAfterPersist(new VoteRequest(
                        id, voter, electionTerm, log.lastIndex(), log.lastTerm(), preVote, leadershipTransfer));
            }
        }
    }

    private void electionWon() {
        if (role == Role.PRE_CANDIDATE) {
            campaign(false, false);
        } else {
            becomeLeader();
        }
    }

    private boolean inLease() {
        if (!config.checkQuorum()) {
            return false;
        }
        // A leader is live by definition: check-quorum deposes it within an election timeout otherwise.
        return role == Role.LEADER
                || ((lead != NO_NODE || quietAfterStart) && electionElapsed < config.electionTicks());
    }

    // ---------------------------------------------------------------- messages

    @Override
    public void step(Message m) {
        if (m instanceof VoteRequest v && v.from() == lead && role == Role.FOLLOWER) {
            // Our leader campaigns: it restarted or stepped down and leads no more, so its lease is void. A voter
            // that kept it would refuse the election forever if it never ticks (a quiet group) and nobody else leads.
            lead = NO_NODE;
        }
        if (m.term() > term) {
            if (m instanceof VoteRequest v && !v.leadershipTransfer() && inLease()) {
                // §6 of the thesis: while it hears a live leader, a voter ignores disruptive elections.
                return;
            }
            boolean termStays = (m instanceof VoteRequest v && v.preVote())
                    || (m instanceof VoteResponse r && r.preVote() && r.granted());
            if (!termStays) {
                boolean fromLeader = m instanceof Append || m instanceof Heartbeat || m instanceof InstallSnapshot;
                becomeFollower(m.term(), fromLeader ? m.from() : NO_NODE);
            }
        } else if (m.term() < term) {
            if (m instanceof Append || m instanceof Heartbeat) {
                // A deposed leader that we ignore would never learn of the new term (with pre-vote or check-quorum
                // nobody else tells it): answer with our term so it steps down.
                outbox.sendAfterPersist(new AppendResponse(id, m.from(), term, true, 0, 0, 0));
            } else if (m instanceof VoteRequest v && v.preVote()) {
                outbox.sendAfterPersist(new VoteResponse(id, m.from(), term, true, false));
            }
            return;
        }

        if (m instanceof VoteRequest v) {
            handleVoteRequest(v);
        } else if (leadership.isPresent()) {
            leadership.get().step(m);
        } else if (role == Role.FOLLOWER) {
            stepFollower(m);
        } else {
            stepCandidate(m);
        }
    }

    private void handleVoteRequest(VoteRequest v) {
        boolean canVote = vote == v.from() || (vote == NO_NODE && lead == NO_NODE) || (v.preVote() && v.term() > term);
        if (canVote && log.isUpToDate(v.lastIndex(), v.lastTerm())) {
            // §5.2, §5.4.1: one vote per term, only for a log at least as up-to-date as ours.
            outbox.sendAfterPersist(new VoteResponse(id, v.from(), v.term(), v.preVote(), true));
            if (!v.preVote()) {
                electionElapsed = 0;
                vote = v.from();
            }
        } else {
            outbox.sendAfterPersist(new VoteResponse(id, v.from(), term, v.preVote(), false));
        }
    }

    private void stepCandidate(Message m) {
        if (m instanceof Append || m instanceof Heartbeat || m instanceof InstallSnapshot) {
            // §5.2: a leader of our term exists; we lost.
            becomeFollower(term, m.from());
            stepFollower(m);
        } else if (m instanceof VoteResponse r && r.preVote() == (role == Role.PRE_CANDIDATE)) {
            tracker.recordVote(r.from(), r.granted());
            switch (tracker.voteResult()) {
                case WON -> electionWon();
                case LOST -> becomeFollower(term, NO_NODE);
                case PENDING -> {}
            }
        }
    }

    private void stepFollower(Message m) {
        if (m instanceof Append a) {
            heardFromLeader(a.from());
            handleAppend(a);
        } else if (m instanceof Heartbeat h) {
            heardFromLeader(h.from());
            log.commitTo(Math.min(h.commit(), log.lastIndex()));
            outbox.sendAfterPersist(new HeartbeatResponse(id, h.from(), term, h.context(), h.sentAtTick()));
        } else if (m instanceof InstallSnapshot s) {
            heardFromLeader(s.from());
            handleSnapshot(s);
        } else if (m instanceof TimeoutNow) {
            campaign(false, true);
        } else if (m instanceof ReadIndexResponse r) {
            outbox.readSafe(new ReadState(r.index(), r.context()));
        }
    }

    private void heardFromLeader(long leader) {
        electionElapsed = 0;
        lead = leader;
        quietAfterStart = false;
    }

    private void handleAppend(Append a) {
        if (a.prevIndex() < log.committed()) {
            outbox.sendAfterPersist(new AppendResponse(id, a.from(), term, false, log.committed(), 0, 0));
            return;
        }
        Optional<Long> lastNew = log.tryAppend(a.prevIndex(), a.prevTerm(), a.commit(), a.entries());
        if (lastNew.isPresent()) {
            outbox.sendAfterPersist(new AppendResponse(id, a.from(), term, false, lastNew.get(), 0, 0));
        } else {
            long[] hint = log.conflictHint(a.prevIndex(), a.prevTerm());
            outbox.sendAfterPersist(new AppendResponse(id, a.from(), term, true, a.prevIndex(), hint[0], hint[1]));
        }
    }

    private void handleSnapshot(InstallSnapshot s) {
        SnapshotMeta snap = s.snapshot();
        if (snap.index() <= log.committed()) {
            outbox.sendAfterPersist(new AppendResponse(id, s.from(), term, false, log.committed(), 0, 0));
            return;
        }
        if (log.matchTerm(snap.index(), snap.term())) {
            // We already hold the snapshot's entries: just learn that they are committed.
            log.commitTo(snap.index());
        } else {
            log.restore(snap);
            tracker.setMembership(snap.membership(), log.lastIndex() + 1);
        }
        outbox.sendAfterPersist(new AppendResponse(id, s.from(), term, false, log.lastIndex(), 0, 0));
    }

    // ---------------------------------------------------------------- requests

    @Override
    public void propose(byte[] data) {
        submit(EntryType.NORMAL, data.clone());
    }

    @Override
    public void proposeConfChange(ConfChange change) {
        submit(EntryType.CONF_CHANGE, change.encode());
    }

    private void submit(EntryType type, byte[] data) {
        if (leadership.isPresent()) {
            leadership.get().propose(type, data);
        } else {
            long to = leaderToForwardTo();
            outbox.sendAfterPersist(new ForwardedProposal(id, to, term, type, data));
        }
    }

    @Override
    public void readIndex(byte[] context) {
        byte[] ctx = context.clone();
        if (leadership.isPresent()) {
            leadership.get().readIndex(id, ctx);
        } else {
            long to = leaderToForwardTo();
            outbox.sendAfterPersist(new ForwardedReadIndex(id, to, term, ctx));
        }
    }

    /** The leader a follower forwards requests to, or a refusal if there is none or forwarding is off. */
    private long leaderToForwardTo() {
        if (lead == NO_NODE) {
            throw new ProposalRejectedException(Reason.NO_LEADER, "node " + id + " knows no leader in term " + term);
        }
        if (!config.proposalForwarding()) {
            throw new ProposalRejectedException(
                    Reason.NO_LEADER, "node " + id + " is not the leader (" + lead + ") and forwarding is off");
        }
        return lead;
    }

    @Override
    public void transferLeadership(long target) {
        leadership
                .orElseThrow(() -> new ProposalRejectedException(Reason.NO_LEADER, "node " + id + " is not the leader"))
                .transferTo(target);
    }

    @Override
    public void reportUnreachable(long node) {
        leadership.ifPresent(l -> l.reportUnreachable(node));
    }

    @Override
    public void reportSnapshot(long node, boolean success) {
        leadership.ifPresent(l -> l.reportSnapshot(node, success));
    }

    // ---------------------------------------------------------------- role changes

    private void reset(long newTerm) {
        if (newTerm != term) {
            term = newTerm;
            vote = NO_NODE;
        }
        lead = NO_NODE;
        leadership = Optional.empty();
        electionElapsed = 0;
        resetRandomizedElectionTimeout();
        tracker.resetVotes();
    }

    private void becomeFollower(long newTerm, long leader) {
        reset(newTerm);
        role = Role.FOLLOWER;
        lead = leader;
    }

    private void becomePreCandidate() {
        // The term and vote stay: nobody's state changes until the pre-vote is won.
        role = Role.PRE_CANDIDATE;
        lead = NO_NODE;
        leadership = Optional.empty();
        tracker.resetVotes();
        electionElapsed = 0;
        resetRandomizedElectionTimeout();
    }

    private void becomeLeader() {
        reset(term);
        role = Role.LEADER;
        lead = id;
        leadership = Optional.of(Leadership.start(config, term, log, tracker, outbox, clock));
    }

    private boolean isPromotable() {
        return tracker.isVoter(id);
    }

    private void resetRandomizedElectionTimeout() {
        randomizedElectionTimeout = config.electionTicks() + random.nextInt(config.electionTicks());
    }

    // ---------------------------------------------------------------- outputs

    private SoftState softState() {
        return new SoftState(lead, role);
    }

    private HardState hardState() {
        return new HardState(term, vote, log.committed());
    }

    @Override
    public boolean hasReady() {
        return outstanding.isEmpty()
                && (!softState().equals(lastSoftState)
                        || !hardState().equals(lastHardState)
                        || log.hasUnstable()
                        || log.hasNextCommitted()
                        || !outbox.isEmpty());
    }

    @Override
    public Ready ready() {
        if (outstanding.isPresent()) {
            throw new IllegalStateException("the previous Ready was not advanced");
        }
        SoftState soft = softState();
        HardState hard = hardState();
        Ready ready = new Ready(
                soft.equals(lastSoftState) ? Optional.empty() : Optional.of(soft),
                hard.equals(lastHardState) ? Optional.empty() : Optional.of(hard),
                log.unstableSnapshot(),
                log.unstableEntries(),
                log.nextCommitted(Long.MAX_VALUE),
                outbox.takeReadStates(),
                outbox.takeEarly(),
                outbox.takeAfterPersist());
        lastSoftState = soft;
        lastHardState = hard;
        outstanding = Optional.of(ready);
        return ready;
    }

    @Override
    public void advance(Ready ready) {
        if (outstanding.isEmpty() || outstanding.get() != ready) {
            throw new IllegalStateException("advance must acknowledge the Ready returned by the last ready()");
        }
        outstanding = Optional.empty();
        ready.hardState().ifPresent(hs -> outbox.termPersisted(hs.term()));
        if (!ready.entries().isEmpty() || ready.snapshot().isPresent()) {
            long lastIndex = 0;
            long lastTerm = 0;
            if (!ready.entries().isEmpty()) {
                Entry last = ready.entries().get(ready.entries().size() - 1);
                lastIndex = last.index();
                lastTerm = last.term();
            }
            log.stableTo(ready.snapshot(), lastIndex, lastTerm);
            if (lastIndex > 0) {
                leadership.ifPresent(l -> l.persisted(log.lastStableIndex()));
            }
        }
        List<Entry> committed = ready.committedEntries();
        if (!committed.isEmpty()) {
            for (Entry e : committed) {
                if (e.type() == EntryType.CONF_CHANGE) {
                    applyConfChange(e);
                }
            }
            log.appliedTo(committed.get(committed.size() - 1).index());
        }
        // Even with nothing new applied: a joint state whose auto-leave was refused earlier is retried.
        leadership.ifPresent(l -> l.applied(committed));
    }

    /** Configuration changes take effect as the caller acknowledges their apply; every replica does the same. */
    private void applyConfChange(Entry e) {
        Membership next;
        try {
            next = ConfChangeApplier.apply(tracker.membership(), ConfChange.decode(e.data()));
        } catch (IllegalArgumentException invalid) {
            // Every replica rejects the same entry the same way: it is a no-op.
            return;
        }
        tracker.setMembership(next, log.lastIndex() + 1);
        if (leadership.isPresent()) {
            if (isPromotable()) {
                leadership.get().membershipChanged();
            } else {
                // Removed or demoted: stop leading; the remaining voters elect a successor.
                becomeFollower(term, NO_NODE);
            }
        }
    }

    @Override
    public long leader() {
        return lead;
    }

    @Override
    public boolean isSettled() {
        if (role != Role.LEADER && (role != Role.FOLLOWER || lead == NO_NODE)) {
            return false;
        }
        long last = log.lastIndex();
        return log.committed() == last
                && log.applied() == last
                && leadership.map(l -> l.isSettled(last)).orElse(true)
                && !hasReady();
    }

    @Override
    public Status status() {
        Map<Long, Status.FollowerProgress> progress = new LinkedHashMap<>();
        if (leadership.isPresent()) {
            tracker.allProgress().forEach((node, p) -> progress.put(node, p.view()));
        }
        return new Status(
                id,
                role,
                lead,
                hardState(),
                log.applied(),
                log.lastIndex(),
                tracker.membership(),
                progress,
                leadership.flatMap(Leadership::transferTarget));
    }
}
