package dev.flotilla.kv.grpc;

import dev.flotilla.raft.Status;
import dev.flotilla.runtime.RaftNode;
import dev.flotilla.runtime.RequestFailedException;
import java.util.concurrent.CompletableFuture;

/** A range's Raft status on this node, for the services that report it. */
final class RangeStatus {
    private RangeStatus() {}

    /** Fails with {@code GROUP_NOT_FOUND} when this node does not host the range. */
    static CompletableFuture<Status> of(RaftNode node, long rangeId) {
        return node.status(rangeId)
                .thenApply(found -> found.orElseThrow(() ->
                        new RequestFailedException(RequestFailedException.Reason.GROUP_NOT_FOUND, "range " + rangeId)));
    }
}
