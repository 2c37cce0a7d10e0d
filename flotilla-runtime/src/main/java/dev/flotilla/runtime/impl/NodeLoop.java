package dev.flotilla.runtime.impl;

import dev.flotilla.log.GroupWrite;
import dev.flotilla.log.LogBatch;
import dev.flotilla.log.LogEngine;
import dev.flotilla.log.LogEngineFailedException;
import dev.flotilla.raft.ConfChange;
import dev.flotilla.raft.Entry;
import dev.flotilla.raft.EntryType;
import dev.flotilla.raft.HardState;
import dev.flotilla.raft.LogStorage;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.Message;
import dev.flotilla.raft.ProposalRejectedException;
import dev.flotilla.raft.RaftConfig;
import dev.flotilla.raft.RaftReplica;
import dev.flotilla.raft.ReadState;
import dev.flotilla.raft.Ready;
import dev.flotilla.raft.Role;
import dev.flotilla.raft.SnapshotMeta;
import dev.flotilla.raft.Status;
import dev.flotilla.runtime.RaftNodeConfig;
import dev.flotilla.runtime.ReadConsistency;
import dev.flotilla.runtime.RequestFailedException;
import dev.flotilla.runtime.RequestFailedException.Reason;
import dev.flotilla.runtime.StateMachine;
import dev.flotilla.runtime.StateMachine.AppliedCommand;
import dev.flotilla.transport.GroupMessage;
import dev.flotilla.transport.Transport;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-threaded heart of a node: every method runs on the driver executor, one at a time, so the groups and
 * their requests need no locks. A production node runs it on one thread ({@link ThreadedRaftNode}); a simulator can
 * run it on a deterministic executor and call {@link #tick()} from a simulated clock.
 *
 * <p>Inputs only change state and mark groups as having work; the driver calls {@link #cycle()} after every burst of
 * inputs, so one cycle (and one log batch) covers everything that arrived meanwhile. The cycle is where the
 * durability order lives (see docs/ordering.md):
 *
 * <ol>
 *   <li>take the Ready of every group that has one and none in flight;
 *   <li>send the messages that may leave at once (a leader's appends and heartbeats);
 *   <li>write every group's snapshot marker, entries and hard state as one log batch;
 *   <li>once that batch is durable: send the messages that promise durable state (votes, acknowledgements), apply the
 *       committed commands, answer reads, and advance the groups.
 * </ol>
 *
 * Ready batches with nothing to persist finish at once in step 4, in the same cycle.
 */
public final class NodeLoop {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLoop.class);
    /** The query of a read that only waits to be linearizable; the caller then reads the store itself. */
    static final byte[] NO_QUERY = new byte[0];

    private final RaftNodeConfig config;
    private final LogEngine log;
    private final Transport transport;
    private final LongFunction<StateMachine> stateMachines;
    private final Executor driver;
    private final long incarnation;
    private final Map<Long, HostedGroup> groups = new HashMap<>();
    /** The ids of {@link #groups}, readable from any thread. */
    private final Set<Long> groupIds = ConcurrentHashMap.newKeySet();

    private final Set<HostedGroup> dirty = new LinkedHashSet<>();
    private final PriorityQueue<Deadline> deadlines = new PriorityQueue<>();
    /** Batches whose write failed with an I/O error, retried on the next tick. */
    private final List<List<HostedGroup>> unwritten = new ArrayList<>();

    private final Optional<FileSnapshots> files;
    private final Quiescence quiescence;
    private final PeerLiveness liveness;
    private final GroupSnapshots snapshots;
    /** Present when the node has file snapshots; used for the groups whose state machine writes files. */
    private final Optional<FileSnapshotTransfers> fileTransfers;

    private long now;
    private long nextRequestId;
    private Optional<Throwable> failure = Optional.empty();

    private record Deadline(long tick, long groupId, long requestId) implements Comparable<Deadline> {
        @Override
        public int compareTo(Deadline o) {
            return Long.compare(tick, o.tick);
        }
    }

    /**
     * @param driver runs the loop's tasks one at a time, in submission order; log completions are handed back to it
     * @param incarnation distinguishes this run of the node from earlier ones in proposal envelopes; must differ from
     *     run to run (random in production, seeded in a simulation)
     */
    public NodeLoop(
            RaftNodeConfig config,
            LogEngine log,
            Transport transport,
            LongFunction<StateMachine> stateMachines,
            Executor driver,
            long incarnation) {
        this(config, log, transport, stateMachines, driver, incarnation, Optional.empty());
    }

    /** A loop whose groups with a {@link dev.flotilla.runtime.FileSnapshotStateMachine} use {@code files}. */
    NodeLoop(
            RaftNodeConfig config,
            LogEngine log,
            Transport transport,
            LongFunction<StateMachine> stateMachines,
            Executor driver,
            long incarnation,
            Optional<FileSnapshots> files) {
        this.config = config;
        this.log = log;
        this.transport = transport;
        this.stateMachines = stateMachines;
        this.driver = driver;
        this.incarnation = incarnation;
        // Twice the election timeout: a node that is only slow (a GC pause, a starved core) should not wake every
        // group it leads; a dead one is noticed within two election timeouts.
        this.liveness = new PeerLiveness(2L * config.raft().electionTicks());
        this.quiescence = new Quiescence(config.raft(), liveness);
        this.snapshots = new GroupSnapshots(
                config.nodeId(),
                log,
                config.compactionThresholdEntries(),
                2L * config.raft().electionTicks());
        this.fileTransfers = files.map(
                f -> new FileSnapshotTransfers(config.nodeId(), f, transport, driver, groups::get, this::markDirty));
        this.files = files;
    }

    private void markDirty(HostedGroup group) {
        dirty.add(group);
    }

    /** Opens every group the log holds that this loop drives, as it was before the restart. */
    public void openExistingGroups(LongPredicate drives) {
        for (long groupId : log.groups()) {
            if (drives.test(groupId)) {
                open(groupId);
            }
        }
    }

    /** The ids of the hosted groups: a live view, safe to read from any thread. */
    public Set<Long> groupIds() {
        return Collections.unmodifiableSet(groupIds);
    }

    public void createGroup(long groupId, Membership initialMembers, CompletableFuture<Void> done) {
        createGroup(groupId, initialMembers, bootstrap(groupId, initialMembers), done);
    }

    /** A group whose log starts with a marker at {@code initialIndex} (see {@code RaftNode.createGroup}). */
    public void createGroup(long groupId, Membership initialMembers, long initialIndex, CompletableFuture<Void> done) {
        if (initialIndex < 1) {
            done.completeExceptionally(
                    new IllegalArgumentException("initial index must be at least 1, was " + initialIndex));
            return;
        }
        createGroup(groupId, initialMembers, compactedStart(groupId, initialMembers, initialIndex), done);
    }

    private void createGroup(
            long groupId, Membership initialMembers, GroupWrite firstWrite, CompletableFuture<Void> done) {
        if (failIfStopped(done)) {
            return;
        }
        if (groupId == PeerLiveness.PING_GROUP) {
            done.completeExceptionally(new IllegalArgumentException(
                    "group id " + PeerLiveness.PING_GROUP + " is reserved for node liveness pings"));
            return;
        }
        if (groups.containsKey(groupId) || holdsGroup(groupId)) {
            groups.computeIfAbsent(groupId, this::newHostedGroup);
            done.complete(null);
            return;
        }
        if (!initialMembers.voters().contains(config.nodeId())
                && !initialMembers.learners().contains(config.nodeId())) {
            done.completeExceptionally(
                    new IllegalArgumentException("initial members must be a simple configuration including node "
                            + config.nodeId() + ", got " + initialMembers));
            return;
        }
        log.append(LogBatch.of(firstWrite))
                .whenComplete((ok, error) -> driver.execute(() -> {
                    if (error != null) {
                        done.completeExceptionally(error);
                    } else {
                        HostedGroup group = groups.computeIfAbsent(groupId, this::newHostedGroup);
                        // One initial member campaigns at once, so a new group does not wait out an election
                        // timeout nor split its first vote.
                        if (config.nodeId()
                                == initialMembers.voters().iterator().next()) {
                            group.replica.campaign();
                        }
                        done.complete(null);
                    }
                }));
    }

    private boolean holdsGroup(long groupId) {
        LogStorage stored = log.group(groupId);
        return stored.lastIndex() > 0
                || !stored.hardState().isEmpty()
                || !stored.snapshot().equals(SnapshotMeta.EMPTY);
    }

    /**
     * A new group's first log: one committed membership change per initial member, at term 1, the same on every
     * initial node. Keeping the initial membership in the log (not in a snapshot marker) lets a node that joins later
     * learn the whole membership history from the log alone.
     */
    static GroupWrite bootstrap(long groupId, Membership initialMembers) {
        List<Entry> entries = new ArrayList<>();
        for (long voter : initialMembers.voters()) {
            entries.add(new Entry(
                    entries.size() + 1,
                    1,
                    EntryType.CONF_CHANGE,
                    ConfChange.of(ConfChange.ChangeType.ADD_VOTER, voter).encode()));
        }
        for (long learner : initialMembers.learners()) {
            entries.add(new Entry(
                    entries.size() + 1,
                    1,
                    EntryType.CONF_CHANGE,
                    ConfChange.of(ConfChange.ChangeType.ADD_LEARNER, learner).encode()));
        }
        return new GroupWrite(
                groupId,
                Optional.empty(),
                OptionalLong.empty(),
                entries,
                Optional.of(new HardState(1, HardState.NO_VOTE, entries.size())));
    }

    /**
     * A split-off group's first log: a marker without data at {@code initialIndex} and term 1, committed up to it. The
     * entries before it never existed, so a member with an empty log can only catch up through a snapshot.
     */
    static GroupWrite compactedStart(long groupId, Membership initialMembers, long initialIndex) {
        return new GroupWrite(
                groupId,
                Optional.of(new SnapshotMeta(initialIndex, 1, initialMembers, new byte[0])),
                OptionalLong.empty(),
                List.of(),
                Optional.of(new HardState(1, HardState.NO_VOTE, initialIndex)));
    }

    public void joinGroup(long groupId, CompletableFuture<Void> done) {
        if (!failIfStopped(done)) {
            open(groupId);
            done.complete(null);
        }
    }

    public void changeMembership(long groupId, ConfChange change, CompletableFuture<Membership> done) {
        HostedGroup group = admit(groupId, done);
        if (group == null) {
            return;
        }
        Status status = group.replica.status();
        if (status.role() != Role.LEADER) {
            done.completeExceptionally(new RequestFailedException(
                    Reason.NOT_LEADER, status.leader(), "membership changes go to the leader of group " + groupId));
            return;
        }
        try {
            group.replica.proposeConfChange(change);
        } catch (ProposalRejectedException e) {
            done.completeExceptionally(rejection(group, e));
            return;
        }
        Status after = group.replica.status();
        long requestId = ++nextRequestId;
        group.membershipChanges.put(
                requestId,
                new HostedGroup.PendingChange(
                        after.lastIndex(), after.hardState().term(), done));
        deadlines.add(new Deadline(now + config.requestTimeoutTicks(), groupId, requestId));
        dirty.add(group);
    }

    private void open(long groupId) {
        groups.computeIfAbsent(groupId, this::newHostedGroup);
    }

    private HostedGroup newHostedGroup(long groupId) {
        // Each group draws its own election timeouts, so groups led by one node do not all time out in the same tick.
        long seed = config.raft().randomSeed() * 31 + groupId * 0x9E3779B97F4A7C15L + config.nodeId();
        LogStorage stored = log.group(groupId);
        RaftReplica replica = RaftReplica.create(config.raft().withRandomSeed(seed), stored);
        StateMachine stateMachine = stateMachines.apply(groupId);
        HostedGroup group = new HostedGroup(
                groupId,
                replica,
                stored,
                stateMachine,
                GroupSnapshots.restoreFromMarker(groupId, stored, stateMachine, files));
        // A snapshot sent before the next apply carries the applied entry's term: it must be known from the start.
        if (group.applied >= stored.snapshot().index() && group.applied <= stored.lastIndex()) {
            group.appliedTerm = stored.term(group.applied);
        }
        groupIds.add(groupId);
        watchPeersOf(group);
        dirty.add(group);
        return group;
    }

    private void watchPeersOf(HostedGroup group) {
        for (long member : group.replica.status().membership().allMembers()) {
            if (member != config.nodeId()) {
                liveness.watch(member, now);
            }
        }
    }

    /** Hands inbound messages to their groups. Messages for groups this node does not host are dropped. */
    public void deliver(List<GroupMessage> batch) {
        if (failure.isPresent()) {
            return;
        }
        for (GroupMessage message : batch) {
            if (message.groupId() == PeerLiveness.PING_GROUP) {
                liveness.heard(message.message().from(), now);
                continue;
            }
            HostedGroup group = groups.get(message.groupId());
            if (group != null) {
                // Answers to a quiet leader's last heartbeats must not wake it, or it would never stay quiet.
                if (!(message.message() instanceof Message.HeartbeatResponse)) {
                    wake(group);
                }
                Optional<Message> toStep = Optional.of(message.message());
                if (message.message() instanceof Message.InstallSnapshot snapshot
                        && fileTransfers.isPresent()
                        && FileSnapshotTransfers.usesFiles(group)) {
                    toStep = fileTransfers.get().received(group, snapshot).map(m -> m);
                }
                toStep.ifPresent(group.replica::step);
                dirty.add(group);
            }
        }
    }

    public void propose(long groupId, byte[] command, CompletableFuture<byte[]> done) {
        HostedGroup group = admit(groupId, done);
        if (group == null) {
            return;
        }
        if (leaderUnreachable(group, done)) {
            return;
        }
        long requestId = ++nextRequestId;
        try {
            group.replica.propose(new ProposalEnvelope(config.nodeId(), incarnation, requestId, command).encode());
        } catch (ProposalRejectedException e) {
            done.completeExceptionally(rejection(group, e));
            return;
        }
        group.proposals.put(requestId, done);
        deadlines.add(new Deadline(now + config.requestTimeoutTicks(), groupId, requestId));
        dirty.add(group);
    }

    public void read(long groupId, byte[] query, ReadConsistency consistency, CompletableFuture<byte[]> done) {
        HostedGroup group = admit(groupId, done);
        if (group == null) {
            return;
        }
        if (consistency == ReadConsistency.STALE) {
            done.complete(group.stateMachine.query(query));
            return;
        }
        if (leaderUnreachable(group, done)) {
            return;
        }
        long requestId = ++nextRequestId;
        try {
            group.replica.readIndex(
                    ByteBuffer.allocate(Long.BYTES).putLong(requestId).array());
        } catch (ProposalRejectedException e) {
            done.completeExceptionally(rejection(group, e));
            return;
        }
        group.readsAwaitingIndex.put(requestId, new HostedGroup.PendingRead(requestId, query, done));
        deadlines.add(new Deadline(now + config.requestTimeoutTicks(), groupId, requestId));
        dirty.add(group);
    }

    public void transferLeadership(long groupId, long target, CompletableFuture<Void> done) {
        HostedGroup group = admit(groupId, done);
        if (group == null) {
            return;
        }
        try {
            group.replica.transferLeadership(target);
            done.complete(null);
        } catch (ProposalRejectedException e) {
            done.completeExceptionally(rejection(group, e));
        }
        dirty.add(group);
    }

    public Optional<Status> status(long groupId) {
        HostedGroup group = groups.get(groupId);
        return group == null ? Optional.empty() : Optional.of(group.replica.status());
    }

    /** One logical clock tick for every group; retries failed log writes and expires requests. */
    public void tick() {
        if (failure.isPresent()) {
            return;
        }
        now++;
        pingPeers();
        for (HostedGroup group : groups.values()) {
            // Judged before the tick: a tick itself makes work (a leader's heartbeats).
            if (group.quiet || (group.quiet = quiescence.shouldQuiesce(group))) {
                continue;
            }
            group.replica.tick();
            snapshots.retryStalled(group, now);
            fileTransfers.ifPresent(f -> f.tick(group));
            dirty.add(group);
        }
        expireRequests();
        retryUnwritten();
    }

    /** One ping to every peer; wakes the quiet groups whose leader's node has gone silent. */
    private void pingPeers() {
        for (long peer : liveness.peers()) {
            transport.send(new GroupMessage(
                    PeerLiveness.PING_GROUP, new Message.Heartbeat(config.nodeId(), peer, 0, 0, NO_QUERY, now)));
        }
        for (long silent : liveness.newlySuspected(now)) {
            LOG.info(
                    "node {}: no word from node {} for {} ticks; waking the groups it leads",
                    config.nodeId(),
                    silent,
                    2 * config.raft().electionTicks());
            for (HostedGroup group : groups.values()) {
                if (group.quiet && group.replica.status().leader() == silent) {
                    wake(group);
                }
            }
        }
    }

    /**
     * Wakes a group. A quiet follower's election timer did not run while it was quiet, and the ticks it counted
     * before are stale: the timeout starts over. Woken because its leader's node went silent, it then campaigns after
     * a full election timeout without word from the leader; if the node was only slow and answers again, the group goes
     * quiet before that.
     */
    private static void wake(HostedGroup group) {
        if (group.quiet) {
            group.replica.confirmLeaderAlive();
        }
        group.quiet = false;
        group.idleTicks = 0;
    }

    /** Fails every waiting request with {@code SHUTDOWN} and stops handling inputs. */
    public void stop() {
        stop(new RequestFailedException(Reason.SHUTDOWN, "node " + config.nodeId() + " is shutting down"));
    }

    /** Stops the node because of an unexpected error: every waiting request fails with it. */
    public void stop(Throwable cause) {
        if (failure.isPresent()) {
            return;
        }
        failure = Optional.of(cause);
        fileTransfers.ifPresent(FileSnapshotTransfers::stop);
        for (HostedGroup group : groups.values()) {
            group.proposals.values().forEach(f -> f.completeExceptionally(cause));
            group.readsAwaitingIndex.values().forEach(r -> r.future.completeExceptionally(cause));
            group.readsAwaitingApply.forEach(r -> r.future.completeExceptionally(cause));
            group.membershipChanges.values().forEach(c -> c.future().completeExceptionally(cause));
            group.stateMachine.close();
        }
        groups.clear();
        groupIds.clear();
        dirty.clear();
    }

    /** Runs the cycle: see the class comment. Call it after every burst of inputs. */
    public void cycle() {
        // Finishing a Ready without persistence can leave more work at once (what it committed, reads to answer).
        boolean finishedSome = true;
        while (failure.isEmpty() && !dirty.isEmpty() && finishedSome) {
            List<HostedGroup> toPersist = new ArrayList<>();
            List<HostedGroup> toFinish = new ArrayList<>();
            for (HostedGroup group : dirty) {
                if (group.inFlight.isPresent() || !group.replica.hasReady()) {
                    continue;
                }
                Ready ready = group.replica.ready();
                group.inFlight = Optional.of(ready);
                send(group, ready.messages());
                (ready.mustPersist() ? toPersist : toFinish).add(group);
            }
            dirty.clear();
            if (!toPersist.isEmpty()) {
                write(toPersist);
            }
            for (HostedGroup group : toFinish) {
                finish(group);
            }
            finishedSome = !toFinish.isEmpty();
        }
        // Always, even when no group had work: liveness pings and messages queued by the inputs must leave now.
        transport.flush();
    }

    private void write(List<HostedGroup> batchGroups) {
        LogBatch.Builder batch = LogBatch.builder();
        for (HostedGroup group : batchGroups) {
            Ready ready = group.inFlight.orElseThrow();
            batch.add(group.id, ready.snapshot(), OptionalLong.empty(), ready.entries(), ready.hardState());
        }
        log.append(batch.build()).whenComplete((ok, error) -> driver.execute(() -> persisted(batchGroups, error)));
    }

    private void persisted(List<HostedGroup> batchGroups, Throwable error) {
        if (failure.isPresent()) {
            return;
        }
        if (error != null) {
            Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
            if (cause instanceof LogEngineFailedException) {
                LOG.error("node {}: the log failed; stopping the node", config.nodeId(), cause);
                stop(new RequestFailedException(Reason.SHUTDOWN, "the log failed: " + cause.getMessage()));
                return;
            }
            // Nothing of the batch is acknowledged; its Readys stay in flight and the same writes are retried.
            LOG.warn(
                    "node {}: log write of {} groups failed, retrying on the next tick: {}",
                    config.nodeId(),
                    batchGroups.size(),
                    cause.toString());
            unwritten.add(batchGroups);
            return;
        }
        for (HostedGroup group : batchGroups) {
            finish(group);
        }
    }

    private void retryUnwritten() {
        List<List<HostedGroup>> retry = new ArrayList<>(unwritten);
        unwritten.clear();
        retry.forEach(this::write);
    }

    /** The Ready of {@code group} is durable (or had nothing to persist): carry out the rest of it. */
    private void finish(HostedGroup group) {
        Ready ready = group.inFlight.orElseThrow();
        send(group, ready.messagesAfterPersist());
        ready.snapshot().ifPresent(snapshot -> install(group, snapshot));
        apply(group, ready.committedEntries());
        List<HostedGroup.PendingChange> applied = appliedChanges(group, ready.committedEntries());
        for (ReadState state : ready.readStates()) {
            long requestId = ByteBuffer.wrap(state.context()).getLong();
            HostedGroup.PendingRead read = group.readsAwaitingIndex.remove(requestId);
            if (read != null) {
                read.readIndex = state.index();
                group.readsAwaitingApply.add(read);
            }
        }
        answerReads(group);
        group.replica.advance(ready);
        group.inFlight = Optional.empty();
        dirty.add(group);
        if (ready.committedEntries().stream().anyMatch(e -> e.type() == EntryType.CONF_CHANGE)) {
            // The core applies a membership change when the Ready carrying it is acknowledged.
            watchPeersOf(group);
            Membership membership = group.replica.status().membership();
            applied.forEach(change -> change.future().complete(membership));
        }
    }

    /**
     * Removes and returns this node's pending membership changes whose entry is among {@code committed}; fails those
     * whose index was taken by another entry (leadership changed before the change committed).
     */
    private static List<HostedGroup.PendingChange> appliedChanges(HostedGroup group, List<Entry> committed) {
        List<HostedGroup.PendingChange> applied = new ArrayList<>();
        if (group.membershipChanges.isEmpty()) {
            return applied;
        }
        for (Entry entry : committed) {
            group.membershipChanges.values().removeIf(change -> {
                if (change.index() != entry.index()) {
                    return false;
                }
                if (change.term() == entry.term() && entry.type() == EntryType.CONF_CHANGE) {
                    applied.add(change);
                } else {
                    change.future()
                            .completeExceptionally(new RequestFailedException(
                                    Reason.NOT_LEADER,
                                    group.replica.status().leader(),
                                    "leadership changed before the membership change committed; entry " + entry.index()
                                            + " is another one"));
                }
                return true;
            });
        }
        return applied;
    }

    /** A snapshot from the leader is durable in the log: the state machine takes its state. */
    private void install(HostedGroup group, SnapshotMeta snapshot) {
        if (snapshot.index() <= group.applied) {
            return;
        }
        Optional<SnapshotHandle.Local> local = GroupSnapshots.install(group.id, group.stateMachine, snapshot, files);
        local.ifPresent(l -> fileTransfers.orElseThrow().installed(group, l));
        group.applied = snapshot.index();
        group.appliedTerm = snapshot.term();
    }

    private void apply(HostedGroup group, List<Entry> committed) {
        for (Entry entry : committed) {
            if (entry.type() == EntryType.CONF_CHANGE) {
                group.lastConfChangeIndex = entry.index();
            }
        }
        if (committed.isEmpty() || committed.get(committed.size() - 1).index() <= group.applied) {
            return;
        }
        List<AppliedCommand> commands = new ArrayList<>();
        List<ProposalEnvelope> envelopes = new ArrayList<>();
        for (Entry entry : committed) {
            if (entry.index() <= group.applied || entry.type() != EntryType.NORMAL || entry.data().length == 0) {
                continue;
            }
            ProposalEnvelope envelope = ProposalEnvelope.decode(entry.data(), entry.index());
            envelopes.add(envelope);
            commands.add(new AppliedCommand(entry.index(), entry.term(), envelope.command()));
        }
        long appliedIndex = committed.get(committed.size() - 1).index();
        List<byte[]> results = group.stateMachine.apply(commands, appliedIndex);
        if (results.size() != commands.size()) {
            throw new IllegalStateException("state machine of group " + group.id + " returned " + results.size()
                    + " results for " + commands.size() + " commands");
        }
        group.applied = appliedIndex;
        group.appliedTerm = committed.get(committed.size() - 1).term();
        for (int i = 0; i < envelopes.size(); i++) {
            ProposalEnvelope envelope = envelopes.get(i);
            if (envelope.node() == config.nodeId() && envelope.incarnation() == incarnation) {
                CompletableFuture<byte[]> proposer = group.proposals.remove(envelope.requestId());
                if (proposer != null) {
                    proposer.complete(results.get(i));
                }
            }
        }
        snapshots.maybeCompact(group);
    }

    private void answerReads(HostedGroup group) {
        while (!group.readsAwaitingApply.isEmpty() && group.readsAwaitingApply.peek().readIndex <= group.applied) {
            HostedGroup.PendingRead read = group.readsAwaitingApply.poll();
            read.future.complete(read.query == NO_QUERY ? NO_QUERY : group.stateMachine.query(read.query));
        }
    }

    private void send(HostedGroup group, List<Message> messages) {
        for (Message message : messages) {
            if (message instanceof Message.InstallSnapshot request) {
                if (fileTransfers.isPresent() && FileSnapshotTransfers.usesFiles(group)) {
                    fileTransfers.get().send(group, request, now);
                    continue;
                }
                message = snapshots.fullCopy(group, request, now);
            }
            transport.send(new GroupMessage(group.id, message));
        }
    }

    private void expireRequests() {
        while (!deadlines.isEmpty() && deadlines.peek().tick() <= now) {
            Deadline deadline = deadlines.poll();
            HostedGroup group = groups.get(deadline.groupId());
            if (group == null) {
                continue;
            }
            RequestFailedException timeout = new RequestFailedException(
                    Reason.TIMEOUT,
                    group.replica.status().leader(),
                    "no outcome in group " + group.id + " within " + config.requestTimeout());
            CompletableFuture<byte[]> proposal = group.proposals.remove(deadline.requestId());
            if (proposal != null) {
                proposal.completeExceptionally(timeout);
            }
            HostedGroup.PendingRead read = group.readsAwaitingIndex.remove(deadline.requestId());
            if (read != null) {
                read.future.completeExceptionally(timeout);
            }
            HostedGroup.PendingChange change = group.membershipChanges.remove(deadline.requestId());
            if (change != null) {
                change.future().completeExceptionally(timeout);
            }
            // A read whose index is confirmed but not yet applied here (a lagging follower) times out too.
            group.readsAwaitingApply.removeIf(
                    r -> r.requestId == deadline.requestId() && r.future.completeExceptionally(timeout));
        }
    }

    /** The group a request is for, or null after failing {@code done} with the reason it cannot be admitted. */
    private HostedGroup admit(long groupId, CompletableFuture<?> done) {
        if (failIfStopped(done)) {
            return null;
        }
        HostedGroup group = groups.get(groupId);
        if (group == null) {
            done.completeExceptionally(new RequestFailedException(
                    Reason.GROUP_NOT_FOUND, "group " + groupId + " is not hosted on node " + config.nodeId()));
            return null;
        }
        wake(group);
        if (group.pendingRequests() >= config.maxPendingRequestsPerGroup()) {
            done.completeExceptionally(new RequestFailedException(
                    Reason.BACK_PRESSURE,
                    group.pendingRequests() + " requests are already waiting in group " + groupId));
            return null;
        }
        return group;
    }

    /**
     * Fails a request at once, with {@code NOT_LEADER} and no hint, when this node would forward it to a leader whose
     * node has gone silent: it would only wait out the request timeout there.
     */
    private boolean leaderUnreachable(HostedGroup group, CompletableFuture<?> done) {
        long leader = group.replica.leader();
        if (leader == config.nodeId() || leader == RaftConfig.NO_NODE || liveness.isAlive(leader)) {
            return false;
        }
        done.completeExceptionally(new RequestFailedException(
                Reason.NOT_LEADER, "the leader of group " + group.id + ", node " + leader + ", is unreachable"));
        return true;
    }

    private boolean failIfStopped(CompletableFuture<?> done) {
        failure.ifPresent(done::completeExceptionally);
        return failure.isPresent();
    }

    private static RuntimeException rejection(HostedGroup group, ProposalRejectedException e) {
        return switch (e.reason()) {
            case UNCOMMITTED_BYTES_LIMIT ->
                new RequestFailedException(
                        Reason.BACK_PRESSURE, group.replica.status().leader(), e.getMessage());
            case NO_LEADER, TRANSFER_IN_PROGRESS, CONF_CHANGE_NOT_ALLOWED ->
                new RequestFailedException(
                        Reason.NOT_LEADER, group.replica.status().leader(), e.getMessage());
            case INVALID_TRANSFER_TARGET -> new IllegalArgumentException(e.getMessage(), e);
        };
    }
}
