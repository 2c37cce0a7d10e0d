package dev.flotilla.kv.grpc;

import dev.flotilla.kv.command.CommandResult;
import dev.flotilla.kv.etcd.etcdserverpb.ResponseHeader;
import dev.flotilla.raft.Status;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Completes response headers: the store sets the revision of the range that served the request; this adds the
 * cluster, the member and the range's current Raft term as this node knows it.
 */
final class ResponseHeaders {
    private final long clusterId;
    private final long memberId;
    private final Map<Long, Long> lastKnownTerms = new ConcurrentHashMap<>();

    ResponseHeaders(long clusterId, long memberId) {
        this.clusterId = clusterId;
        this.memberId = memberId;
    }

    /**
     * The result with its top-level header completed. A write's result carries the term of its log entry; other results
     * get the range's term as this node last saw it (a write's, or the periodic status poll's, {@link #observe}), so
     * that no response waits for the Raft driver.
     */
    CommandResult complete(long rangeId, CommandResult result) {
        CommandResult.Builder builder = result.toBuilder();
        switch (result.getOutcomeCase()) {
            case PUT ->
                builder.getPutBuilder()
                        .setHeader(complete(rangeId, result.getPut().getHeader()));
            case DELETE_RANGE ->
                builder.getDeleteRangeBuilder()
                        .setHeader(complete(rangeId, result.getDeleteRange().getHeader()));
            case TXN ->
                builder.getTxnBuilder()
                        .setHeader(complete(rangeId, result.getTxn().getHeader()));
            case COMPACTION ->
                builder.getCompactionBuilder()
                        .setHeader(complete(rangeId, result.getCompaction().getHeader()));
            case RANGE ->
                builder.getRangeBuilder()
                        .setHeader(complete(rangeId, result.getRange().getHeader()));
            case LEASE_GRANT ->
                builder.getLeaseGrantBuilder()
                        .setHeader(complete(rangeId, result.getLeaseGrant().getHeader()));
            case LEASE_REVOKE ->
                builder.getLeaseRevokeBuilder()
                        .setHeader(complete(rangeId, result.getLeaseRevoke().getHeader()));
            case REJECTION, MEMBER, AUTH_REVISION, ALLOCATED_RANGE_ID, SPLIT, OUTCOME_NOT_SET -> {}
        }
        return builder.build();
    }

    private ResponseHeader complete(long rangeId, ResponseHeader partial) {
        long term = partial.getRaftTerm() > 0
                ? lastKnownTerms.merge(rangeId, partial.getRaftTerm(), Math::max)
                : lastKnownTerms.getOrDefault(rangeId, 0L);
        return complete(partial, term);
    }

    /**
     * The header of a response at a revision of a range, with the range's term as last seen (by a response or {@link
     * #observe}), for the many small responses of streams, which must not each wait for the Raft driver.
     */
    ResponseHeader at(long rangeId, long revision) {
        return complete(
                rangeId, ResponseHeader.newBuilder().setRevision(revision).build());
    }

    /** Records a range's current term, as a periodic status poll sees it. */
    void observe(long rangeId, Status status) {
        lastKnownTerms.merge(rangeId, status.hardState().term(), Math::max);
    }

    /** The header of a response that reports no revision (Cluster, Maintenance). */
    ResponseHeader of(Status status) {
        return complete(ResponseHeader.getDefaultInstance(), status.hardState().term());
    }

    private ResponseHeader complete(ResponseHeader partial, long term) {
        return partial.toBuilder()
                .setClusterId(clusterId)
                .setMemberId(memberId)
                .setRaftTerm(term)
                .build();
    }
}
