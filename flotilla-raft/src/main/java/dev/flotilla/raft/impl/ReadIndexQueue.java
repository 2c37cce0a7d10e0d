package dev.flotilla.raft.impl;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A leader's ReadIndex requests waiting for a quorum to confirm its leadership. Each request gets a sequence number
 * that rides in heartbeats; an acknowledgement of number {@code s} confirms every request up to {@code s}, because it
 * answers a heartbeat sent after they were registered.
 */
final class ReadIndexQueue {
    /** A read waiting for confirmation, from {@code requester} (the leader itself or a follower). */
    record PendingRead(long seq, long index, long requester, byte[] context, Set<Long> acks) {}

    private final ArrayDeque<PendingRead> pending = new ArrayDeque<>();
    private long nextSeq = 1;

    /** Registers a read at {@code commitIndex}; returns the heartbeat context that confirms it. */
    byte[] add(long commitIndex, long requester, byte[] context, long self) {
        long seq = nextSeq++;
        Set<Long> acks = new HashSet<>();
        acks.add(self);
        pending.addLast(new PendingRead(seq, commitIndex, requester, context, acks));
        return encode(seq);
    }

    /** The context to put in a heartbeat so that its acknowledgements confirm every pending read. */
    Optional<byte[]> latestContext() {
        return pending.isEmpty()
                ? Optional.empty()
                : Optional.of(encode(pending.peekLast().seq()));
    }

    /**
     * Records that {@code from} acknowledged the heartbeat carrying {@code context}, and returns the reads now
     * confirmed by a quorum, oldest first.
     */
    List<PendingRead> ack(byte[] context, long from, Predicate<Set<Long>> isQuorum) {
        if (context.length != Long.BYTES || pending.isEmpty()) {
            return List.of();
        }
        long seq = ByteBuffer.wrap(context).getLong();
        for (PendingRead p : pending) {
            if (p.seq() > seq) {
                break;
            }
            p.acks().add(from);
        }
        List<PendingRead> released = new ArrayList<>();
        while (!pending.isEmpty() && isQuorum.test(pending.peekFirst().acks())) {
            released.add(pending.pollFirst());
        }
        return released;
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    void clear() {
        pending.clear();
    }

    private static byte[] encode(long seq) {
        return ByteBuffer.allocate(Long.BYTES).putLong(seq).array();
    }
}
