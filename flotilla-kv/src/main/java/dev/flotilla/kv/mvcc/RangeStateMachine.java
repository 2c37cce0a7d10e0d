package dev.flotilla.kv.mvcc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.flotilla.kv.KeySpan;
import dev.flotilla.kv.RangeMap;
import dev.flotilla.kv.RejectedRequestException;
import dev.flotilla.kv.auth.AuthChanges;
import dev.flotilla.kv.command.AuthState;
import dev.flotilla.kv.command.Command;
import dev.flotilla.kv.command.CommandResult;
import dev.flotilla.kv.command.MemberRecord;
import dev.flotilla.kv.command.Rejection;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import dev.flotilla.kv.lease.LeaseChange;
import dev.flotilla.kv.lease.LeaseClock;
import dev.flotilla.kv.watch.RevisionEvents;
import dev.flotilla.kv.watch.WatchHub;
import dev.flotilla.runtime.FileSnapshotStateMachine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatchWithIndex;

/**
 * The Raft state machine of one range: applies {@link Command}s to the node's shared {@link MvccDatabase}. Each call
 * to {@link #apply} is one RocksDB write batch that also carries the range's applied index and revision, so the
 * database never holds a command's effect without the index that produced it. A command that is rejected (a
 * compacted revision in a Txn, say) is rolled back to its save point: nothing of it applies, and the rest of the batch
 * does. Member commands (first range only) replace a row of the cluster's member table in the same batch, and auth
 * commands (first range only) the auth state ({@link AuthChanges} decides); neither creates a revision, as etcd's
 * membership and auth changes do not.
 */
final class RangeStateMachine implements FileSnapshotStateMachine {
    private final MvccDatabase database;
    private final long rangeId;
    private final WatchHub watchHub;
    private final LeaseClock leaseClock;
    private RangeMeta meta;

    /**
     * @param watchHub receives each applied batch's changes after they are written
     * @param leaseClock follows the leases the batch granted and revoked
     */
    RangeStateMachine(MvccDatabase database, long rangeId, WatchHub watchHub, LeaseClock leaseClock) {
        this.database = database;
        this.rangeId = rangeId;
        this.watchHub = watchHub;
        this.leaseClock = leaseClock;
        this.meta = database.meta(rangeId);
    }

    @Override
    public List<byte[]> apply(List<AppliedCommand> commands, long appliedIndex) {
        List<byte[]> results = new ArrayList<>(commands.size());
        List<RevisionEvents> revisions = new ArrayList<>();
        List<LeaseChange> leaseChanges = new ArrayList<>();
        List<MemberRecord> memberRows = new ArrayList<>();
        Optional<AuthState> auth = Optional.empty();
        boolean split = false;
        try (WriteBatchWithIndex batch = new WriteBatchWithIndex(true)) {
            MvccReader reader = database.batchReader(rangeId, batch);
            for (AppliedCommand command : commands) {
                batch.setSavePoint();
                CommandResult result;
                try {
                    Command decoded = Command.parseFrom(command.data());
                    RangeMeta after = meta;
                    if (decoded.hasMember()) {
                        MemberRecord row = database.upsertMember(rangeId, batch, decoded.getMember());
                        memberRows.add(row);
                        result = CommandResult.newBuilder().setMember(row).build();
                    } else if (decoded.hasAuth()) {
                        AuthState before = auth.isPresent() ? auth.get() : database.authState(rangeId, batch);
                        AuthState changed = AuthChanges.apply(before, decoded.getAuth());
                        database.writeAuthState(rangeId, batch, changed);
                        auth = Optional.of(changed);
                        result = CommandResult.newBuilder()
                                .setAuthRevision(changed.getRevision())
                                .build();
                    } else if (decoded.hasSplit()) {
                        RangeSplit.Outcome outcome =
                                RangeSplit.apply(database, batch, rangeId, meta, decoded.getSplit());
                        after = outcome.left();
                        result = CommandResult.newBuilder()
                                .setSplit(outcome.result())
                                .build();
                        split = true;
                    } else if (decoded.hasAllocateRangeId()) {
                        long id = allocateRangeId(decoded.getAllocateRangeId().getAtLeast());
                        after = meta.withDescriptor(meta.descriptor().toBuilder()
                                .setNextRangeId(id + 1)
                                .build());
                        result = CommandResult.newBuilder()
                                .setAllocatedRangeId(id)
                                .build();
                    } else {
                        checkOwned(decoded);
                        RangeTransaction txn = new RangeTransaction(reader, Optional.of(batch), meta);
                        result = execute(txn, decoded, command);
                        if (txn.meta().revision() > meta.revision()) {
                            revisions.add(new RevisionEvents(txn.meta().revision(), txn.events()));
                        }
                        leaseChanges.addAll(txn.leaseChanges());
                        after = txn.meta();
                    }
                    meta = after;
                    batch.popSavePoint();
                } catch (RejectedRequestException e) {
                    batch.rollbackToSavePoint();
                    result = CommandResult.newBuilder()
                            .setRejection(e.rejection())
                            .build();
                } catch (InvalidProtocolBufferException e) {
                    batch.rollbackToSavePoint();
                    result = CommandResult.newBuilder()
                            .setRejection(Rejection.newBuilder()
                                    .setKind(Rejection.Kind.MALFORMED)
                                    .setMessage("flotilla: undecodable command at index " + command.index()))
                            .build();
                }
                results.add(result.toByteArray());
            }
            meta = meta.withApplied(appliedIndex);
            database.commit(rangeId, batch, meta);
            memberRows.forEach(database::memberChanged);
            auth.ifPresent(state -> database.authChanged(rangeId, state));
            if (split) {
                // Before the new range's group exists anywhere on this node: its data must not depend on a replay
                // of this range's log, which a later compaction may drop.
                database.flush();
                watchHub.shrunk(RangeDescriptors.span(meta.descriptor()));
                database.rangesChanged();
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException(
                    "range " + rangeId + ": applying up to index " + appliedIndex + " failed", e);
        }
        // Only now that the batch is in RocksDB: a watcher that falls behind reads these revisions from there.
        watchHub.compacted(meta.compactRevision());
        watchHub.publish(revisions);
        leaseChanges.forEach(leaseClock::applied);
        return results;
    }

    /** The id a {@code RangeIdAllocation} gives out: first range only, never the same twice. */
    private long allocateRangeId(long atLeast) {
        if (rangeId != RangeMap.FIRST_RANGE) {
            throw new RejectedRequestException(
                    Rejection.Kind.MALFORMED, "flotilla: range ids are given out by range " + RangeMap.FIRST_RANGE);
        }
        return Math.max(Math.max(atLeast, meta.descriptor().getNextRangeId()), RangeMap.FIRST_RANGE + 1);
    }

    /**
     * Refuses a write naming keys this range does not own: it was routed before a split this range has applied since.
     */
    private void checkOwned(Command command) {
        List<KeySpan> spans =
                switch (command.getWriteCase()) {
                    case PUT -> List.of(KeySpan.of(command.getPut().getKey(), ByteString.EMPTY));
                    case DELETE_RANGE ->
                        List.of(KeySpan.of(
                                command.getDeleteRange().getKey(),
                                command.getDeleteRange().getRangeEnd()));
                    case TXN -> KeySpan.ofTxn(command.getTxn());
                    default -> List.of();
                };
        KeySpan owned = RangeDescriptors.span(meta.descriptor());
        for (KeySpan span : spans) {
            if (!owned.encloses(span)) {
                throw new RejectedRequestException(
                        Rejection.Kind.WRONG_RANGE,
                        "flotilla: range " + rangeId + " no longer holds '"
                                + span.start().toStringUtf8() + "' (it was split); route the request again");
            }
        }
    }

    /** Executes a decoded command; its result's header carries the term of the command's log entry. */
    private static CommandResult execute(RangeTransaction txn, Command command, AppliedCommand entry) {
        CommandResult.Builder result = CommandResult.newBuilder();
        switch (command.getWriteCase()) {
            case PUT -> result.setPut(txn.put(command.getPut()));
            case DELETE_RANGE -> result.setDeleteRange(txn.deleteRange(command.getDeleteRange()));
            case TXN -> result.setTxn(txn.txn(command.getTxn()));
            case COMPACTION -> result.setCompaction(txn.compact(command.getCompaction()));
            case LEASE_GRANT -> result.setLeaseGrant(txn.grantLease(command.getLeaseGrant(), entry.index()));
            case LEASE_REVOKE -> result.setLeaseRevoke(txn.revokeLease(command.getLeaseRevoke()));
            case MEMBER, AUTH -> throw new IllegalStateException("member and auth commands do not touch the MVCC data");
            case WRITE_NOT_SET ->
                throw new RejectedRequestException(Rejection.Kind.MALFORMED, "flotilla: empty command");
        }
        return Headers.withRevision(result.build(), txn.meta().revision(), entry.term());
    }

    /** Answers an encoded {@link RangeRequest} with an encoded {@link CommandResult}, from the applied state. */
    @Override
    public byte[] query(byte[] query) {
        try {
            RangeRequest request = RangeRequest.parseFrom(query);
            return database.read(rangeId, txn -> CommandResult.newBuilder()
                            .setRange(txn.range(request))
                            .build())
                    .toByteArray();
        } catch (InvalidProtocolBufferException e) {
            return CommandResult.newBuilder()
                    .setRejection(Rejection.newBuilder()
                            .setKind(Rejection.Kind.MALFORMED)
                            .setMessage("flotilla: undecodable range query"))
                    .build()
                    .toByteArray();
        } catch (RejectedRequestException e) {
            return CommandResult.newBuilder()
                    .setRejection(e.rejection())
                    .build()
                    .toByteArray();
        }
    }

    @Override
    public long durableAppliedIndex() {
        return database.durableAppliedIndex(rangeId);
    }

    @Override
    public CompletableFuture<Void> writeSnapshot(Path directory) {
        return database.writeRangeSnapshot(rangeId, directory);
    }

    @Override
    public void installSnapshot(Path directory, long appliedIndex) {
        if (PlantedSnapshotBug.active() == PlantedSnapshotBug.IGNORE_INSTALL) {
            return;
        }
        try {
            meta = database.installRangeSnapshot(rangeId, directory, appliedIndex);
        } catch (RocksDBException | IOException e) {
            throw new IllegalStateException(
                    "range " + rangeId + ": installing the snapshot at " + appliedIndex + " failed", e);
        }
        watchHub.restored(meta.revision(), meta.compactRevision());
        leaseClock.replaceAll(database.leases(rangeId));
    }

    @Override
    public byte[] snapshot() {
        return database.copyRange(rangeId);
    }

    @Override
    public void restore(byte[] snapshot, long appliedIndex) {
        try {
            meta = database.replaceRange(rangeId, snapshot, appliedIndex);
            watchHub.restored(meta.revision(), meta.compactRevision());
            watchHub.shrunk(RangeDescriptors.span(meta.descriptor()));
            leaseClock.replaceAll(database.leases(rangeId));
            database.reloadAuthState(rangeId);
            database.rangesChanged();
        } catch (RocksDBException e) {
            throw new IllegalStateException(
                    "range " + rangeId + ": restoring a snapshot at " + appliedIndex + " failed", e);
        }
    }
}
