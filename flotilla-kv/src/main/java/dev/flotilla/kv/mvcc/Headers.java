package dev.flotilla.kv.mvcc;

import dev.flotilla.kv.command.CommandResult;
import dev.flotilla.kv.etcd.etcdserverpb.ResponseHeader;
import dev.flotilla.kv.etcd.etcdserverpb.ResponseOp;
import dev.flotilla.kv.etcd.etcdserverpb.TxnResponse;

/**
 * Sets the revision of a result's response headers, and the top-level header's Raft term. As in etcd, every response
 * inside a Txn reports the revision the whole Txn ended at.
 */
final class Headers {
    /** The term of a read's result: the server fills in the range's term as it last saw it. */
    static final long TERM_UNKNOWN = 0;

    private Headers() {}

    static CommandResult withRevision(CommandResult result, long revision, long raftTerm) {
        ResponseHeader header =
                ResponseHeader.newBuilder().setRevision(revision).build();
        ResponseHeader top = header.toBuilder().setRaftTerm(raftTerm).build();
        CommandResult.Builder builder = result.toBuilder();
        switch (result.getOutcomeCase()) {
            case PUT -> builder.getPutBuilder().setHeader(top);
            case DELETE_RANGE -> builder.getDeleteRangeBuilder().setHeader(top);
            case TXN ->
                builder.setTxn(withRevision(result.getTxn(), header).toBuilder()
                        .setHeader(top)
                        .build());
            case COMPACTION -> builder.getCompactionBuilder().setHeader(top);
            case RANGE -> builder.getRangeBuilder().setHeader(top);
            case LEASE_GRANT -> builder.getLeaseGrantBuilder().setHeader(top);
            case LEASE_REVOKE -> builder.getLeaseRevokeBuilder().setHeader(top);
            case REJECTION, MEMBER, OUTCOME_NOT_SET -> {}
        }
        return builder.build();
    }

    private static TxnResponse withRevision(TxnResponse txn, ResponseHeader header) {
        TxnResponse.Builder builder = txn.toBuilder().setHeader(header).clearResponses();
        for (ResponseOp op : txn.getResponsesList()) {
            ResponseOp.Builder inner = op.toBuilder();
            switch (op.getResponseCase()) {
                case RESPONSE_RANGE -> inner.getResponseRangeBuilder().setHeader(header);
                case RESPONSE_PUT -> inner.getResponsePutBuilder().setHeader(header);
                case RESPONSE_DELETE_RANGE ->
                    inner.getResponseDeleteRangeBuilder().setHeader(header);
                case RESPONSE_TXN -> inner.setResponseTxn(withRevision(op.getResponseTxn(), header));
                case RESPONSE_NOT_SET -> {}
            }
            builder.addResponses(inner);
        }
        return builder.build();
    }
}
