package dev.flotilla.raft;

/**
 * A proposal, configuration change, read or transfer request that the replica refused. Nothing was appended or sent;
 * the caller may retry later (or elsewhere, for {@link Reason#NO_LEADER}).
 */
public final class ProposalRejectedException extends RuntimeException {
    /** Why a request was refused. */
    public enum Reason {
        /** No known leader, or this replica is not the leader and proposal forwarding is off. */
        NO_LEADER,
        /** A leadership transfer is in progress; proposals resume when it completes or times out. */
        TRANSFER_IN_PROGRESS,
        /** Accepting it would exceed {@link RaftConfig#maxUncommittedEntriesBytes()}: back-pressure. */
        UNCOMMITTED_BYTES_LIMIT,
        /** A previous configuration change is not applied yet, or the change does not fit the current one. */
        CONF_CHANGE_NOT_ALLOWED,
        /** The target of a leadership transfer is not a voter of the group, or is this replica itself. */
        INVALID_TRANSFER_TARGET
    }

    private final Reason reason;

    public ProposalRejectedException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
