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
import dev.flotilla.kv.etcd.etcdserverpb.PutRequest;
import dev.flotilla.kv.etcd.etcdserverpb.PutResponse;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeResponse;
import dev.flotilla.kv.etcd.etcdserverpb.RequestOp;
import dev.flotilla.kv.etcd.etcdserverpb.ResponseHeader;
import dev.flotilla.kv.etcd.etcdserverpb.ResponseOp;
import dev.flotilla.kv.etcd.etcdserverpb.TxnRequest;
import dev.flotilla.kv.etcd.etcdserverpb.TxnResponse;
import dev.flotilla.kv.etcd.mvccpb.KeyValue;
import java.nio.ByteBuffer;
import java.util.ArrayList;
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

    private final MvccReader reader;
    private final Optional<WriteBatchWithIndex> batch;
    private final RangeMeta before;
    private long compactRevision;
    private boolean wrote;

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

    PutResponse put(PutRequest request) {
        ByteString key = request.getKey();
        Optional<KeyValue> previous = latest(key);
        if ((request.getIgnoreValue() || request.getIgnoreLease()) && previous.isEmpty()) {
            throw new RejectedRequestException(Rejection.Kind.KEY_NOT_FOUND, "etcdserver: key not found");
        }
        if (request.getLease() != 0) {
            // Leases come with their own issue; until then no lease exists.
            throw new RejectedRequestException(Rejection.Kind.LEASE_NOT_FOUND, "etcdserver: requested lease not found");
        }
        ByteString value = request.getIgnoreValue() ? previous.get().getValue() : request.getValue();
        long createRevision = previous.map(KeyValue::getCreateRevision).orElse(writeRevision());
        long version = previous.map(kv -> kv.getVersion() + 1).orElse(1L);
        write(key, StoredVersion.live(createRevision, version, 0, value));
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
        for (KeyValue kv : deleted) {
            write(kv.getKey(), StoredVersion.DELETED);
        }
        DeleteRangeResponse.Builder response = DeleteRangeResponse.newBuilder().setDeleted(deleted.size());
        if (request.getPrevKv()) {
            response.addAllPrevKvs(deleted);
        }
        return response.build();
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
        reader.scan(KeySpan.of(key, ByteString.EMPTY), currentRevision(), (k, modRevision, version) -> {
            found[0] = version.toKeyValue(k, modRevision);
            return false;
        });
        return Optional.ofNullable(found[0]);
    }

    private void write(ByteString key, StoredVersion version) {
        try {
            writable().put(KeyCodec.versionKey(reader.rangeId(), key, writeRevision()), version.encode());
        } catch (RocksDBException e) {
            throw new IllegalStateException("writing to the apply batch failed", e);
        }
        wrote = true;
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
