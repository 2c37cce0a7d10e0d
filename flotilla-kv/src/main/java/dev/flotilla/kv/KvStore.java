package dev.flotilla.kv;

import dev.flotilla.kv.auth.AuthView;
import dev.flotilla.kv.command.MemberRecord;
import dev.flotilla.kv.command.RangeDescriptor;
import dev.flotilla.kv.etcd.etcdserverpb.HashKVResponse;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeResponse;
import dev.flotilla.kv.etcd.etcdserverpb.TxnRequest;
import dev.flotilla.kv.etcd.etcdserverpb.TxnResponse;
import dev.flotilla.kv.lease.LeaseChange;
import dev.flotilla.kv.lease.LeaseClock;
import dev.flotilla.kv.mvcc.MvccDatabase;
import dev.flotilla.kv.watch.WatchHub;
import dev.flotilla.runtime.StateMachine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The MVCC key-value data of one node: one RocksDB shared by every range the node hosts, each range's keys under its
 * own id (layout in docs/kv-server.md).
 *
 * <p><b>Writes</b> happen only through the ranges' {@link #stateMachine state machines}, on the Raft node's driver
 * thread: each applied batch is one RocksDB write batch that includes the range's applied index. RocksDB's WAL is
 * off, because the Raft log is the write-ahead log.
 *
 * <p><b>Durability.</b> An applied write survives a crash once RocksDB has flushed it; a state machine's {@link
 * StateMachine#durableAppliedIndex()} is the applied index as of the last flush, and after a restart the runtime
 * replays the log above it. {@link #close()} flushes.
 *
 * <p><b>Reads</b> ({@link #range}, {@link #readOnlyTxn}) may run on any thread, concurrently with applies; each reads
 * one consistent RocksDB snapshot of the range. They are as fresh as what this node has applied: for a linearizable
 * read, wait for {@code RaftNode.awaitLinearizable} first. Response headers carry the range's current revision only;
 * the server adds cluster, member and term. Reads fail with {@link RejectedRequestException} for a compacted or future
 * revision.
 */
public interface KvStore extends AutoCloseable {
    /** Opens (or creates) the store in {@code directory}. */
    static KvStore open(Path directory, RocksDbConfig config) throws IOException {
        return MvccDatabase.open(directory, config);
    }

    /** Opens the store of a server whose configured split keys cut the key space into {@code configured}. */
    static KvStore open(Path directory, RocksDbConfig config, RangeMap configured) throws IOException {
        return MvccDatabase.open(directory, config, configured);
    }

    /** Makes the state machine of range {@code rangeId}, for the Raft node to apply that range's group to. */
    StateMachine stateMachine(long rangeId);

    RangeResponse range(long rangeId, RangeRequest request);

    /** Evaluates a Txn that contains no write in any branch; one with a write fails with IllegalStateException. */
    TxnResponse readOnlyTxn(long rangeId, TxnRequest request);

    /**
     * A checksum (CRC-32C) of the range's history up to {@code revision} (0: the current one): every stored version,
     * tombstones included, in key and revision order. Replicas that applied the same commands agree on it, which is
     * how tests and operators compare replicas. Refused like a read for a compacted or future revision.
     */
    HashKVResponse hashKv(long rangeId, long revision);

    /**
     * The changes of the range as this node applies them, for watchers. Exists once {@link #stateMachine} made the
     * range's state machine.
     */
    WatchHub watchHub(long rangeId);

    /** When the range's leases expire by this node's clock (consulted only while this node leads the range). */
    LeaseClock leaseClock(long rangeId);

    /** Every lease of the range as this node has applied it: id and granted TTL, by id. */
    List<LeaseChange.Granted> leases(long rangeId);

    /** One lease as this node has applied it, with its keys, if it exists. */
    Optional<StoredLease> lease(long rangeId, long leaseId);

    /**
     * The rows of the cluster's member table that range {@code rangeId} replicates (the first range does; see {@link
     * dev.flotilla.kv.command.MemberRecord}), as applied on this node, in member id order.
     */
    List<MemberRecord> members(long rangeId);

    /**
     * Calls {@code listener} with each member row right after the batch that wrote it is applied, on the Raft
     * driver thread (so it must be fast and must not block), including rows replayed after a restart.
     */
    void onMemberChange(Consumer<MemberRecord> listener);

    /**
     * CRC32C of every key and value the range owns (versions, leases, attachments, member rows and its meta, which holds
     * the applied index), in key order, from one consistent view: replicas at the same applied index must agree.
     */
    long rangeChecksum(long rangeId);

    /**
     * The cluster's auth state that range {@code rangeId} replicates (the first range does), as applied on this node:
     * an immutable view, replaced after each batch that changes it. Any thread.
     */
    AuthView auth(long rangeId);

    /**
     * The ranges this node holds data of (a meta record), with their descriptors: span, the ranges split off them, and
     * for a range split off another, how its Raft group starts. Any thread.
     */
    Map<Long, RangeDescriptor> localRanges();

    /** The range's current revision on this node (1 for a range it holds nothing of). Any thread. */
    long revision(long rangeId);

    /**
     * Calls {@code listener} after this node applied a split or restored a range's snapshot (which may name ranges split
     * off it), on the Raft driver thread: it must be fast and must not block. After a split the new range's data and
     * meta are durable when the listener runs.
     */
    void onRangesChanged(Runnable listener);

    /** Bytes on disk and in memtables, for status reports. */
    long sizeBytes();

    /** Flushes the memtables, then closes the database. Call after the Raft node is closed. */
    @Override
    void close();
}
