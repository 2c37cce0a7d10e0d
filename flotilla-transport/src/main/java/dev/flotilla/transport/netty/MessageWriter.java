package dev.flotilla.transport.netty;

import static dev.flotilla.transport.netty.WireFormat.MAX_LENGTH_VARINT_BYTES;
import static dev.flotilla.transport.netty.WireFormat.MAX_VARINT_BYTES;

import dev.flotilla.raft.Entry;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.Message;
import dev.flotilla.raft.Message.Append;
import dev.flotilla.raft.Message.AppendResponse;
import dev.flotilla.raft.Message.ForwardedProposal;
import dev.flotilla.raft.Message.ForwardedReadIndex;
import dev.flotilla.raft.Message.InstallSnapshot;
import dev.flotilla.raft.Message.ReadIndexResponse;
import dev.flotilla.raft.Message.TimeoutNow;
import dev.flotilla.raft.Message.VoteRequest;
import dev.flotilla.raft.Message.VoteResponse;
import dev.flotilla.raft.SnapshotMeta;
import dev.flotilla.transport.GroupMessage;
import java.util.Set;

/**
 * Encodes the messages of a batch's message section (every kind except heartbeats and heartbeat responses, which
 * {@link MergedHeartbeats} encodes). Layouts: docs/wire-protocol.md, "Messages".
 */
final class MessageWriter {
    private static final int HEADER_MAX_BYTES = 2 * MAX_VARINT_BYTES + 1;
    private static final int ENTRY_OVERHEAD_MAX_BYTES = 2 * MAX_VARINT_BYTES + 1 + MAX_LENGTH_VARINT_BYTES;

    private MessageWriter() {}

    static void write(WireWriter out, GroupMessage groupMessage) {
        Message message = groupMessage.message();
        out.writeVarLong(groupMessage.groupId());
        out.writeByte(kindOf(message));
        out.writeVarLong(message.term());
        if (message instanceof Append m) {
            out.writeVarLong(m.prevIndex());
            out.writeVarLong(m.prevTerm());
            out.writeVarLong(m.commit());
            out.writeVarLong(m.entries().size());
            for (Entry entry : m.entries()) {
                out.writeVarLong(entry.index());
                out.writeVarLong(entry.term());
                out.writeByte(entry.type().code());
                out.writeBytes(entry.data());
            }
        } else if (message instanceof AppendResponse m) {
            out.writeByte(m.reject() ? 1 : 0);
            out.writeVarLong(m.index());
            out.writeVarLong(m.hintIndex());
            out.writeVarLong(m.hintTerm());
        } else if (message instanceof VoteRequest m) {
            out.writeByte((m.preVote() ? 1 : 0) | (m.leadershipTransfer() ? 2 : 0));
            out.writeVarLong(m.lastIndex());
            out.writeVarLong(m.lastTerm());
        } else if (message instanceof VoteResponse m) {
            out.writeByte((m.preVote() ? 1 : 0) | (m.granted() ? 2 : 0));
        } else if (message instanceof InstallSnapshot m) {
            writeSnapshot(out, m.snapshot());
        } else if (message instanceof ForwardedProposal m) {
            out.writeByte(m.type().code());
            out.writeBytes(m.data());
        } else if (message instanceof ForwardedReadIndex m) {
            out.writeBytes(m.context());
        } else if (message instanceof ReadIndexResponse m) {
            out.writeVarLong(m.index());
            out.writeBytes(m.context());
        } else if (!(message instanceof TimeoutNow)) {
            throw new IllegalArgumentException("not a message-section kind: " + message);
        }
    }

    /** An upper bound of the bytes {@link #write} produces, computed without encoding. */
    static long maxEncodedBytes(Message message) {
        if (message instanceof Append m) {
            long bytes = HEADER_MAX_BYTES + 3L * MAX_VARINT_BYTES + MAX_LENGTH_VARINT_BYTES;
            for (Entry entry : m.entries()) {
                bytes += ENTRY_OVERHEAD_MAX_BYTES + entry.data().length;
            }
            return bytes;
        } else if (message instanceof InstallSnapshot m) {
            Membership membership = m.snapshot().membership();
            long ids = (long) membership.voters().size()
                    + membership.votersOutgoing().size()
                    + membership.learners().size()
                    + membership.learnersNext().size();
            return HEADER_MAX_BYTES
                    + 2L * MAX_VARINT_BYTES
                    + 1
                    + 4L * MAX_LENGTH_VARINT_BYTES
                    + ids * MAX_VARINT_BYTES
                    + WireWriter.maxBytesOf(m.snapshot().handle());
        } else if (message instanceof ForwardedProposal m) {
            return HEADER_MAX_BYTES + 1 + WireWriter.maxBytesOf(m.data());
        } else if (message instanceof ForwardedReadIndex m) {
            return HEADER_MAX_BYTES + WireWriter.maxBytesOf(m.context());
        } else if (message instanceof ReadIndexResponse m) {
            return HEADER_MAX_BYTES + MAX_VARINT_BYTES + WireWriter.maxBytesOf(m.context());
        }
        // AppendResponse, the largest of the fixed-size kinds.
        return HEADER_MAX_BYTES + 1 + 3L * MAX_VARINT_BYTES;
    }

    private static void writeSnapshot(WireWriter out, SnapshotMeta snapshot) {
        out.writeVarLong(snapshot.index());
        out.writeVarLong(snapshot.term());
        Membership membership = snapshot.membership();
        out.writeByte(membership.autoLeave() ? 1 : 0);
        writeNodeSet(out, membership.voters());
        writeNodeSet(out, membership.votersOutgoing());
        writeNodeSet(out, membership.learners());
        writeNodeSet(out, membership.learnersNext());
        out.writeBytes(snapshot.handle());
    }

    /** Ascending ids as differences: the first id, then each id minus the one before it. */
    private static void writeNodeSet(WireWriter out, Set<Long> sortedIds) {
        out.writeVarLong(sortedIds.size());
        long previous = 0;
        for (long id : sortedIds) {
            out.writeVarLong(id - previous);
            previous = id;
        }
    }

    private static int kindOf(Message message) {
        if (message instanceof Append) {
            return WireFormat.MESSAGE_APPEND;
        } else if (message instanceof AppendResponse) {
            return WireFormat.MESSAGE_APPEND_RESPONSE;
        } else if (message instanceof VoteRequest) {
            return WireFormat.MESSAGE_VOTE_REQUEST;
        } else if (message instanceof VoteResponse) {
            return WireFormat.MESSAGE_VOTE_RESPONSE;
        } else if (message instanceof InstallSnapshot) {
            return WireFormat.MESSAGE_INSTALL_SNAPSHOT;
        } else if (message instanceof TimeoutNow) {
            return WireFormat.MESSAGE_TIMEOUT_NOW;
        } else if (message instanceof ForwardedProposal) {
            return WireFormat.MESSAGE_FORWARDED_PROPOSAL;
        } else if (message instanceof ForwardedReadIndex) {
            return WireFormat.MESSAGE_FORWARDED_READ_INDEX;
        } else if (message instanceof ReadIndexResponse) {
            return WireFormat.MESSAGE_READ_INDEX_RESPONSE;
        }
        throw new IllegalArgumentException("not a message-section kind: " + message);
    }
}
