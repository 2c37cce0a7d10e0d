package dev.flotilla.kv.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import dev.flotilla.kv.KeySpan;
import dev.flotilla.kv.LimitsConfig;
import dev.flotilla.kv.etcd.etcdserverpb.DeleteRangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.PutRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RequestOp;
import dev.flotilla.kv.etcd.etcdserverpb.TxnRequest;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Refuses requests before they reach Raft, the way etcd does, so that a bad request never becomes a log entry: empty
 * keys, oversized requests, Txns with too many operations or with two writes to one key.
 */
final class RequestChecks {
    private final LimitsConfig limits;

    RequestChecks(LimitsConfig limits) {
        this.limits = limits;
    }

    void size(MessageLite request) {
        if (request.getSerializedSize() > limits.maxRequestBytes()) {
            throw Status.RESOURCE_EXHAUSTED
                    .withDescription(EtcdErrors.REQUEST_TOO_LARGE)
                    .asRuntimeException();
        }
    }

    void range(RangeRequest request) {
        key(request.getKey());
    }

    void put(PutRequest request) {
        key(request.getKey());
    }

    void deleteRange(DeleteRangeRequest request) {
        key(request.getKey());
    }

    void txn(TxnRequest request) {
        if (request.getSuccessCount() > limits.maxTxnOps() || request.getFailureCount() > limits.maxTxnOps()) {
            throw EtcdErrors.invalidArgument(EtcdErrors.TOO_MANY_OPS);
        }
        request.getCompareList().forEach(compare -> key(compare.getKey()));
        writesOf(request.getSuccessList());
        writesOf(request.getFailureList());
    }

    /** Checks the ops of one branch and returns what they write; two writes to one key are refused. */
    private Writes writesOf(List<RequestOp> ops) {
        Writes writes = new Writes(new HashSet<>(), new ArrayList<>());
        for (RequestOp op : ops) {
            switch (op.getRequestCase()) {
                case REQUEST_RANGE -> range(op.getRequestRange());
                case REQUEST_PUT -> {
                    put(op.getRequestPut());
                    writes.addPut(op.getRequestPut().getKey());
                }
                case REQUEST_DELETE_RANGE -> {
                    deleteRange(op.getRequestDeleteRange());
                    DeleteRangeRequest delete = op.getRequestDeleteRange();
                    writes.addDelete(KeySpan.of(delete.getKey(), delete.getRangeEnd()));
                }
                case REQUEST_TXN -> {
                    txn(op.getRequestTxn());
                    // Only one branch of the nested Txn runs, but either may: each must fit with this branch.
                    Writes success = writesOf(op.getRequestTxn().getSuccessList());
                    Writes failure = writesOf(op.getRequestTxn().getFailureList());
                    Set<ByteString> nestedPuts = new HashSet<>(success.puts());
                    nestedPuts.addAll(failure.puts());
                    nestedPuts.forEach(writes::addPut);
                    success.deletes().forEach(writes::addDelete);
                    failure.deletes().forEach(writes::addDelete);
                }
                case REQUEST_NOT_SET -> throw EtcdErrors.invalidArgument("etcdserver: txn operation without a request");
            }
        }
        return writes;
    }

    private static void key(ByteString key) {
        if (key.isEmpty()) {
            throw EtcdErrors.invalidArgument(EtcdErrors.EMPTY_KEY);
        }
    }

    /** Whether the Txn writes nothing in any branch, nested ones included. */
    static boolean isReadOnly(TxnRequest request) {
        return readOnly(request.getSuccessList()) && readOnly(request.getFailureList());
    }

    private static boolean readOnly(List<RequestOp> ops) {
        return ops.stream()
                .allMatch(op -> op.hasRequestRange() || (op.hasRequestTxn() && isReadOnly(op.getRequestTxn())));
    }

    /** Whether every read of a read-only Txn asked for a serializable read. */
    static boolean allSerializable(TxnRequest request) {
        return serializable(request.getSuccessList()) && serializable(request.getFailureList());
    }

    private static boolean serializable(List<RequestOp> ops) {
        return ops.stream()
                .allMatch(op -> op.hasRequestRange()
                        ? op.getRequestRange().getSerializable()
                        : allSerializable(op.getRequestTxn()));
    }

    private record Writes(Set<ByteString> puts, List<KeySpan> deletes) {
        void addPut(ByteString key) {
            if (!puts.add(key) || deletes.stream().anyMatch(span -> span.contains(key))) {
                throw EtcdErrors.invalidArgument(EtcdErrors.DUPLICATE_KEY);
            }
        }

        void addDelete(KeySpan span) {
            if (puts.stream().anyMatch(span::contains)) {
                throw EtcdErrors.invalidArgument(EtcdErrors.DUPLICATE_KEY);
            }
            deletes.add(span);
        }
    }
}
