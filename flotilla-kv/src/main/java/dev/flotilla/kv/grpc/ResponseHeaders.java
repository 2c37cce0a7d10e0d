package dev.flotilla.kv.grpc;

import dev.flotilla.kv.command.CommandResult;
import dev.flotilla.kv.etcd.etcdserverpb.ResponseHeader;
import dev.flotilla.raft.Status;
import dev.flotilla.runtime.RaftNode;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Completes response headers: the store sets the revision of the range that served the request; this adds the
 * cluster, the member and the range's current Raft term as this node knows it.
 */
final class ResponseHeaders {
    private final RaftNode node;
    private final long clusterId;
    private final long memberId;
    private final Map<Long, Long> lastKnownTerms = new ConcurrentHashMap<>();

    ResponseHeaders(RaftNode node, long clusterId, long memberId) {
        this.node = node;
        this.clusterId = clusterId;
        this.memberId = memberId;
    }

    /** The result with its top-level header completed. */
    CompletableFuture<CommandResult> complete(long rangeId, CommandResult result) {
        return node.status(rangeId).thenApply(status -> {
            long term = status.map(s -> s.hardState().term()).orElse(0L);
            lastKnownTerms.put(rangeId, term);
            CommandResult.Builder builder = result.toBuilder();
            switch (result.getOutcomeCase()) {
                case PUT ->
                    builder.getPutBuilder().setHeader(complete(result.getPut().getHeader(), term));
                case DELETE_RANGE ->
                    builder.getDeleteRangeBuilder()
                            .setHeader(complete(result.getDeleteRange().getHeader(), term));
                case TXN ->
                    builder.getTxnBuilder().setHeader(complete(result.getTxn().getHeader(), term));
                case COMPACTION ->
                    builder.getCompactionBuilder()
                            .setHeader(complete(result.getCompaction().getHeader(), term));
                case RANGE ->
                    builder.getRangeBuilder()
                            .setHeader(complete(result.getRange().getHeader(), term));
                case LEASE_GRANT ->
                    builder.getLeaseGrantBuilder()
                            .setHeader(complete(result.getLeaseGrant().getHeader(), term));
                case LEASE_REVOKE ->
                    builder.getLeaseRevokeBuilder()
                            .setHeader(complete(result.getLeaseRevoke().getHeader(), term));
                case REJECTION, MEMBER, AUTH_REVISION, OUTCOME_NOT_SET -> {}
            }
            return builder.build();
        });
    }

    /**
     * The header of a response at a revision of a range, with the range's term as last seen (by a response or {@link
     * #observe}), for the many small responses of streams, which must not each wait for the Raft driver.
     */
    ResponseHeader at(long rangeId, long revision) {
        return complete(
                ResponseHeader.newBuilder().setRevision(revision).build(), lastKnownTerms.getOrDefault(rangeId, 0L));
    }

    /** Records a range's current term, as a periodic status poll sees it. */
    void observe(long rangeId, Status status) {
        lastKnownTerms.put(rangeId, status.hardState().term());
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
