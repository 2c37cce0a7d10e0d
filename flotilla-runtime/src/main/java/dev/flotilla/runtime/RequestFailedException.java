package dev.flotilla.runtime;

import java.util.OptionalLong;

/**
 * A request to a group failed; nothing about its outcome beyond {@link #reason()} is known. A proposal that failed
 * with {@link Reason#TIMEOUT} or {@link Reason#SHUTDOWN} may still be committed later: retry only idempotent commands.
 */
public final class RequestFailedException extends RuntimeException {
    public enum Reason {
        /** This node does not lead the group and could not forward; {@link #leaderHint()} names the leader if known. */
        NOT_LEADER,
        /** The group is not hosted on this node. */
        GROUP_NOT_FOUND,
        /** No outcome within the request timeout (no leader, partition, or a lost forwarded proposal). */
        TIMEOUT,
        /** The group has too many uncommitted bytes or pending requests: slow down and retry. */
        BACK_PRESSURE,
        /** The node is shutting down. */
        SHUTDOWN
    }

    private final Reason reason;
    private final long leaderHint;

    public RequestFailedException(Reason reason, long leaderHint, String message) {
        super(reason + ": " + message);
        this.reason = reason;
        this.leaderHint = leaderHint;
    }

    public RequestFailedException(Reason reason, String message) {
        this(reason, 0, message);
    }

    public Reason reason() {
        return reason;
    }

    /** The node believed to lead the group, if this node knows one. */
    public OptionalLong leaderHint() {
        return leaderHint == 0 ? OptionalLong.empty() : OptionalLong.of(leaderHint);
    }
}
