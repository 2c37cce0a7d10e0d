package dev.flotilla.kv.mvcc;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.KeySpan;
import dev.flotilla.kv.RejectedRequestException;
import dev.flotilla.kv.command.Rejection;
import dev.flotilla.kv.etcd.etcdserverpb.CompactionRequest;
import dev.flotilla.kv.etcd.etcdserverpb.CompactionResponse;
import dev.flotilla.kv.etcd.etcdserverpb.Compare;
import dev.flotilla.kv.etcd.etcdserverpb.DeleteRangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.DeleteRangeResponse;
import dev.flotilla.kv.etcd.etcdserverpb.HashKVResponse;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseGrantRequest;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseGrantResponse;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseRevokeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseRevokeResponse;
import dev.flotilla.kv.etcd.etcdserverpb.PutRequest;
import dev.flotilla.kv.etcd.etcdserverpb.PutResponse;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeResponse;
import dev.flotilla.kv.etcd.etcdserverpb.RequestOp;
import dev.flotilla.kv.etcd.etcdserverpb.ResponseHeader;
import dev.flotilla.kv.etcd.etcdserverpb.ResponseOp;
import dev.flotilla.kv.etcd.etcdserverpb.TxnRequest;
import dev.flotilla.kv.etcd.etcdserverpb.TxnResponse;
import dev.flotilla.kv.etcd.mvccpb.Event;
import dev.flotilla.kv.etcd.mvccpb.KeyValue;
import dev.flotilla.kv.lease.LeaseChange;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatchWithIndex;

/**
 * One request's view of one range, with etcd's semantics. Reads see the request's own earlier writes (a Txn's range
 * after its put). All writes of the request share one new revision, so a Txn is one revision however many keys it
 * touches, and a request that writes nothing creates none. Read-only instances (no batch) serve client reads.
 *
 * <p>A {@link RejectedRequestException} leaves the batch with partial writes: the caller rolls it back.
 */
final class RangeTransaction {
    static final String COMPACTED = "etcdserver: mvcc: required revision has been compacted";
    static final String FUTURE_REVISION = "etcdserver: mvcc: required revision is a future revision";
    static final String LEASE_NOT_FOUND = "etcdserver: requested lease not found";

    private final MvccReader reader;
    private final Optional<WriteBatchWithIndex> batch;
    private final RangeMeta before;
    private long compactRevision;
    private boolean wrote;
    private final List<Event> events = new ArrayList<>();
    private final List<LeaseChange> leaseChanges = new ArrayList<>();

    RangeTransaction(MvccReader reader, Optional<WriteBatchWithIndex> batch, RangeMeta meta) {
        this.reader = reader;
        this.batch = batch;
        this.before = meta;
        this.compactRevision = meta.compactRevision();
    }

    /** The range's state after this request: one revision more if it wrote anything. */
    RangeMeta meta() {
        return before.withRevision(currentRevision()).withCompactRevision(compactRevision);
    }

    /** The watch events of this request's writes, by key (empty if it wrote nothing). */
    List<Event> events() {
        List<Event> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparing(e -> e.getKv().getKey(), ByteString.unsignedLexicographicalComparator()));
        return sorted;
    }

    /** The leases this request granted or revoked. */
    List<LeaseChange> leaseChanges() {
        return List.copyOf(leaseChanges);
    }

    private long currentRevision() {
        return wrote ? before.revision() + 1 : before.revision();
    }

    private long writeRevision() {
        return before.revision() + 1;
    }

    RangeResponse range(RangeRequest request) {
        long revision = readableRevision(request.getRevision());
        RangeQuery query = new RangeQuery(request);
        reader.scan(KeySpan.of(request.getKey(), request.getRangeEnd()), revision, query::visit);
        return query.response();
    }

    /** The revision a read of {@code requested} (0: the current one) sees; refused if compacted or in the future. */
    private long readableRevision(long requested) {
        long revision = requested <= 0 ? currentRevision() : requested;
        if (revision > currentRevision()) {
            throw new RejectedRequestException(Rejection.Kind.FUTURE_REVISION, FUTURE_REVISION);
        }
        if (revision < compactRevision) {
            throw new RejectedRequestException(Rejection.Kind.COMPACTED, COMPACTED);
        }
        return revision;
    }

    /** CRC-32C of every stored version up to the revision, in key and revision order (see KvStore#hashKv). */
    HashKVResponse hashKv(long requested) {
        long revision = readableRevision(requested);
        CRC32C crc = new CRC32C();
        ByteBuffer revisionBytes = ByteBuffer.allocate(Long.BYTES);
        reader.scanAllVersions((key, modRevision, version) -> {
            if (modRevision <= revision) {
                crc.update(key.asReadOnlyByteBuffer());
                crc.update(revisionBytes.clear().putLong(modRevision).flip());
                crc.update(version.encode());
            }
            return true;
        });
        return HashKVResponse.newBuilder()
                .setHeader(ResponseHeader.newBuilder().setRevision(currentRevision()))
                .setHash((int) crc.getValue())
                .setCompactRevision(compactRevision)
                .build();
    }

    /** The events of {@code span} at revisions {@code from} to {@code to}, by revision, then key (watch history). */
    List<Event> history(KeySpan span, long from, long to) {
        MvccHistory.Collector collector = new MvccHistory.Collector(from, to);
        reader.scanVersions(span, collector);
        return collector.events();
    }

    PutResponse put(PutRequest request) {
        ByteString key = request.getKey();
        Optional<KeyValue> previous = latest(key);
        if ((request.getIgnoreValue() || request.getIgnoreLease()) && previous.isEmpty()) {
            throw new RejectedRequestException(Rejection.Kind.KEY_NOT_FOUND, "etcdserver: key not found");
        }
        long previousLease = previous.map(KeyValue::getLease).orElse(0L);
        long lease = request.getIgnoreLease() ? previousLease : request.getLease();
        if (lease != 0 && !leaseExists(lease)) {
            throw new RejectedRequestException(Rejection.Kind.LEASE_NOT_FOUND, LEASE_NOT_FOUND);
        }
        ByteString value = request.getIgnoreValue() ? previous.get().getValue() : request.getValue();
        long createRevision = previous.map(KeyValue::getCreateRevision).orElse(writeRevision());
        long version = previous.map(kv -> kv.getVersion() + 1).orElse(1L);
        StoredVersion stored = StoredVersion.live(createRevision, version, lease, value);
        write(key, stored);
        if (previousLease != lease) {
            detach(previousLease, key);
            attach(lease, key);
        }
        Event.Builder event =
                Event.newBuilder().setType(Event.EventType.PUT).setKv(stored.toKeyValue(key, writeRevision()));
        previous.ifPresent(event::setPrevKv);
        events.add(event.build());
        PutResponse.Builder response = PutResponse.newBuilder();
        if (request.getPrevKv()) {
            previous.ifPresent(response::setPrevKv);
        }
        return response.build();
    }

    DeleteRangeResponse deleteRange(DeleteRangeRequest request) {
        List<KeyValue> deleted = new ArrayList<>();
        reader.scan(
                KeySpan.of(request.getKey(), request.getRangeEnd()),
                currentRevision(),
                (key, modRevision, version) -> deleted.add(version.toKeyValue(key, modRevision)));
        deleted.forEach(this::delete);
        DeleteRangeResponse.Builder response = DeleteRangeResponse.newBuilder().setDeleted(deleted.size());
        if (request.getPrevKv()) {
            response.addAllPrevKvs(deleted);
        }
        return response.build();
    }

    private void delete(KeyValue kv) {
        write(kv.getKey(), StoredVersion.DELETED);
        detach(kv.getLease(), kv.getKey());
        events.add(Event.newBuilder()
                .setType(Event.EventType.DELETE)
                .setKv(KeyValue.newBuilder().setKey(kv.getKey()).setModRevision(writeRevision()))
                .setPrevKv(kv)
                .build());
    }

    /**
     * Grants a lease: the id the request names, or, for id 0, one derived from the grant's log index (the same on
     * every replica). Refused if the id is taken. Creates no revision.
     */
    LeaseGrantResponse grantLease(LeaseGrantRequest request, long logIndex) {
        long id = request.getID();
        if (id == 0) {
            id = LeaseIds.fromLogIndex(logIndex, this::leaseExists);
        } else if (leaseExists(id)) {
            throw new RejectedRequestException(Rejection.Kind.LEASE_EXISTS, "etcdserver: lease already exists");
        }
        put(
                KeyCodec.leaseKey(reader.rangeId(), id),
                ByteBuffer.allocate(Long.BYTES).putLong(request.getTTL()).array());
        leaseChanges.add(new LeaseChange.Granted(id, request.getTTL()));
        return LeaseGrantResponse.newBuilder()
                .setID(id)
                .setTTL(request.getTTL())
                .build();
    }

    /** Revokes a lease and deletes every key attached to it, all in one revision (none if no key was attached). */
    LeaseRevokeResponse revokeLease(LeaseRevokeRequest request) {
        long id = request.getID();
        if (!leaseExists(id)) {
            throw new RejectedRequestException(Rejection.Kind.LEASE_NOT_FOUND, LEASE_NOT_FOUND);
        }
        for (ByteString key : attachedKeys(id)) {
            latest(key).ifPresent(this::delete);
        }
        remove(KeyCodec.leaseKey(reader.rangeId(), id));
        leaseChanges.add(new LeaseChange.Revoked(id));
        return LeaseRevokeResponse.getDefaultInstance();
    }

    /** The keys attached to lease {@code id}, in key order. */
    List<ByteString> attachedKeys(long id) {
        List<ByteString> keys = new ArrayList<>();
        reader.scanPrefix(
                KeyCodec.attachmentPrefix(reader.rangeId(), id),
                (stored, value) -> keys.add(KeyCodec.attachedKey(stored)));
        return keys;
    }

    /** The granted TTL of lease {@code id}, if it exists. */
    Optional<Long> leaseTtl(long id) {
        return reader.get(KeyCodec.leaseKey(reader.rangeId(), id))
                .map(bytes -> ByteBuffer.wrap(bytes).getLong());
    }

    /** Every lease of the range: id and granted TTL, by id. */
    List<LeaseChange.Granted> leases() {
        List<LeaseChange.Granted> leases = new ArrayList<>();
        reader.scanPrefix(
                KeyCodec.leasePrefix(reader.rangeId()),
                (stored, value) -> leases.add(new LeaseChange.Granted(
                        KeyCodec.leaseId(stored), ByteBuffer.wrap(value).getLong())));
        return leases;
    }

    private boolean leaseExists(long id) {
        return leaseTtl(id).isPresent();
    }

    private void attach(long lease, ByteString key) {
        if (lease != 0) {
            put(KeyCodec.attachmentKey(reader.rangeId(), lease, key), new byte[0]);
        }
    }

    private void detach(long lease, ByteString key) {
        if (lease != 0) {
            remove(KeyCodec.attachmentKey(reader.rangeId(), lease, key));
        }
    }

    TxnResponse txn(TxnRequest request) {
        boolean succeeded = request.getCompareList().stream().allMatch(this::holds);
        List<RequestOp> ops = succeeded ? request.getSuccessList() : request.getFailureList();
        TxnResponse.Builder response = TxnResponse.newBuilder().setSucceeded(succeeded);
        for (RequestOp op : ops) {
            response.addResponses(execute(op));
        }
        return response.build();
    }

    private ResponseOp execute(RequestOp op) {
        return switch (op.getRequestCase()) {
            case REQUEST_RANGE ->
                ResponseOp.newBuilder()
                        .setResponseRange(range(op.getRequestRange()))
                        .build();
            case REQUEST_PUT ->
                ResponseOp.newBuilder().setResponsePut(put(op.getRequestPut())).build();
            case REQUEST_DELETE_RANGE ->
                ResponseOp.newBuilder()
                        .setResponseDeleteRange(deleteRange(op.getRequestDeleteRange()))
                        .build();
            case REQUEST_TXN ->
                ResponseOp.newBuilder().setResponseTxn(txn(op.getRequestTxn())).build();
            case REQUEST_NOT_SET ->
                throw new RejectedRequestException(
                        Rejection.Kind.MALFORMED, "etcdserver: txn operation without a request");
        };
    }

    /**
     * Whether every key the compare names satisfies it. As in etcd, a missing key compares as a key whose numbers are
     * all 0, and a value compare on no key fails.
     */
    private boolean holds(Compare compare) {
        List<KeyValue> kvs = new ArrayList<>();
        reader.scan(
                KeySpan.of(compare.getKey(), compare.getRangeEnd()),
                currentRevision(),
                (key, modRevision, version) -> kvs.add(version.toKeyValue(key, modRevision)));
        if (kvs.isEmpty()) {
            return compare.getTarget() != Compare.CompareTarget.VALUE
                    && CompareEvaluation.holds(compare, KeyValue.getDefaultInstance());
        }
        return kvs.stream().allMatch(kv -> CompareEvaluation.holds(compare, kv));
    }

    /**
     * Removes every version older than {@code request.revision} that a read at that revision or later cannot see: for
     * each key, the newest version at or before the revision stays (unless it is a tombstone), older ones go.
     */
    CompactionResponse compact(CompactionRequest request) {
        long revision = request.getRevision();
        if (revision <= compactRevision) {
            throw new RejectedRequestException(Rejection.Kind.COMPACTED, COMPACTED);
        }
        if (revision > currentRevision()) {
            throw new RejectedRequestException(Rejection.Kind.FUTURE_REVISION, FUTURE_REVISION);
        }
        // Collected first: a batch iterator must not see the batch change under it.
        List<byte[]> obsolete = new ArrayList<>();
        ByteString[] previousKey = {null};
        reader.scanAllVersions((key, modRevision, version) -> {
            if (modRevision > revision) {
                return true;
            }
            boolean newestVisible = !key.equals(previousKey[0]);
            previousKey[0] = key;
            if (!newestVisible || version.tombstone()) {
                obsolete.add(KeyCodec.versionKey(reader.rangeId(), key, modRevision));
            }
            return true;
        });
        WriteBatchWithIndex writes = writable();
        obsolete.forEach(storedKey -> delete(writes, storedKey));
        compactRevision = revision;
        return CompactionResponse.getDefaultInstance();
    }

    private Optional<KeyValue> latest(ByteString key) {
        KeyValue[] found = {null};
        reader.visitAt(key, currentRevision(), (k, modRevision, version) -> {
            found[0] = version.toKeyValue(k, modRevision);
            return false;
        });
        return Optional.ofNullable(found[0]);
    }

    private void write(ByteString key, StoredVersion version) {
        put(KeyCodec.versionKey(reader.rangeId(), key, writeRevision()), version.encode());
        wrote = true;
    }

    private void put(byte[] storedKey, byte[] value) {
        try {
            writable().put(storedKey, value);
        } catch (RocksDBException e) {
            throw new IllegalStateException("writing to the apply batch failed", e);
        }
    }

    private void remove(byte[] storedKey) {
        delete(writable(), storedKey);
    }

    private static void delete(WriteBatchWithIndex writes, byte[] storedKey) {
        try {
            writes.delete(storedKey);
        } catch (RocksDBException e) {
            throw new IllegalStateException("writing to the apply batch failed", e);
        }
    }

    private WriteBatchWithIndex writable() {
        return batch.orElseThrow(() -> new IllegalStateException("a read-only view cannot write"));
    }
}
