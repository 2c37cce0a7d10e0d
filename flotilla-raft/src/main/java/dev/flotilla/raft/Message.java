package dev.flotilla.raft;

import java.util.List;
import java.util.Objects;

/**
 * A message between two replicas of one group. Plain data: the transport serializes it and adds the group id outside
 * the core. Every kind carries the sender ({@code from}), the receiver ({@code to}) and the sender's term.
 */
public sealed interface Message {
    long from();

    long to();

    long term();

    /**
     * Leader to follower: entries following {@code prevIndex}/{@code prevTerm}, and the leader's commit index. An
     * empty {@code entries} list is a probe.
     */
    record Append(long from, long to, long term, long prevIndex, long prevTerm, List<Entry> entries, long commit)
            implements Message {
        public Append {
            entries = List.copyOf(entries);
        }
    }

    /**
     * Follower to leader. On success {@code index} is the follower's last index matching the leader's log. On
     * rejection {@code index} is the rejected {@code prevIndex}, and ({@code hintIndex}, {@code hintTerm}) is the
     * follower's last entry at or below it whose term is at most the leader's {@code prevTerm}: the leader can skip
     * every index above the hint at once (fast backtracking).
     */
    record AppendResponse(long from, long to, long term, boolean reject, long index, long hintIndex, long hintTerm)
            implements Message {}

    /**
     * Candidate to voter. {@code preVote} asks "would you vote for me in {@code term}" without anyone changing term;
     * {@code leadershipTransfer} marks an election started by {@link TimeoutNow}, which voters honour even while they
     * believe in a live leader.
     */
    record VoteRequest(
            long from, long to, long term, long lastIndex, long lastTerm, boolean preVote, boolean leadershipTransfer)
            implements Message {}

    /** Voter to candidate. For a granted pre-vote {@code term} is the term asked about. */
    record VoteResponse(long from, long to, long term, boolean preVote, boolean granted) implements Message {}

    /**
     * Leader to follower: "I am alive". {@code commit} is capped at what the follower is known to hold. {@code
     * context} is a pending read-index request id (empty if none); {@code sentAtTick} is the leader's clock, echoed
     * back so the leader can date its lease.
     */
    record Heartbeat(long from, long to, long term, long commit, byte[] context, long sentAtTick) implements Message {
        public Heartbeat {
            Objects.requireNonNull(context, "context");
        }
    }

    /** Follower to leader: echoes the heartbeat's {@code context} and {@code sentAtTick}. */
    record HeartbeatResponse(long from, long to, long term, byte[] context, long sentAtTick) implements Message {
        public HeartbeatResponse {
            Objects.requireNonNull(context, "context");
        }
    }

    /** Leader to follower: the follower needs entries the leader compacted; install this snapshot first. */
    record InstallSnapshot(long from, long to, long term, SnapshotMeta snapshot) implements Message {}

    /** Leader to the target of a leadership transfer, once it is caught up: start an election now. */
    record TimeoutNow(long from, long to, long term) implements Message {}

    /** Follower to leader: a proposal made at the follower, to be appended by the leader. */
    record ForwardedProposal(long from, long to, long term, EntryType type, byte[] data) implements Message {
        public ForwardedProposal {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(data, "data");
        }
    }

    /** Follower to leader: a read-index request made at the follower. */
    record ForwardedReadIndex(long from, long to, long term, byte[] context) implements Message {
        public ForwardedReadIndex {
            Objects.requireNonNull(context, "context");
        }
    }

    /** Leader to follower: the forwarded read with {@code context} is safe once {@code index} is applied. */
    record ReadIndexResponse(long from, long to, long term, long index, byte[] context) implements Message {
        public ReadIndexResponse {
            Objects.requireNonNull(context, "context");
        }
    }
}
