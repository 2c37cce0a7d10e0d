package dev.flotilla.transport.netty;

import dev.flotilla.raft.Entry;
import dev.flotilla.raft.EntryType;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.Message;
import dev.flotilla.raft.SnapshotMeta;
import dev.flotilla.transport.GroupMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decodes the messages of a batch's message section, the inverse of {@link MessageWriter}. Accepts exactly what the
 * writer produces: unknown flag bits, unknown kinds and values the core's records refuse are malformed.
 */
final class MessageReader {
    /** Smallest entry: index, term, type and an empty data length, one byte each. */
    private static final int MIN_ENTRY_BYTES = 4;

    private MessageReader() {}

    /**
     * @param from the sending node (authenticated by the handshake; not on the wire)
     * @param to this node (not on the wire)
     */
    static GroupMessage read(WireReader in, long from, long to) throws MalformedFrameException {
        long groupId = in.readVarLong("group id");
        int kind = in.readUnsignedByte("message kind");
        long term = in.readVarLong("term");
        Message message =
                switch (kind) {
                    case WireFormat.MESSAGE_APPEND -> readAppend(in, from, to, term);
                    case WireFormat.MESSAGE_APPEND_RESPONSE -> {
                        boolean reject = readFlags(in, 1, "append response flags") == 1;
                        yield new Message.AppendResponse(
                                from,
                                to,
                                term,
                                reject,
                                in.readVarLong("index"),
                                in.readVarLong("hint index"),
                                in.readVarLong("hint term"));
                    }
                    case WireFormat.MESSAGE_VOTE_REQUEST -> {
                        int flags = readFlags(in, 3, "vote request flags");
                        yield new Message.VoteRequest(
                                from,
                                to,
                                term,
                                in.readVarLong("last index"),
                                in.readVarLong("last term"),
                                (flags & 1) != 0,
                                (flags & 2) != 0);
                    }
                    case WireFormat.MESSAGE_VOTE_RESPONSE -> {
                        int flags = readFlags(in, 3, "vote response flags");
                        yield new Message.VoteResponse(from, to, term, (flags & 1) != 0, (flags & 2) != 0);
                    }
                    case WireFormat.MESSAGE_INSTALL_SNAPSHOT ->
                        new Message.InstallSnapshot(from, to, term, readSnapshot(in));
                    case WireFormat.MESSAGE_TIMEOUT_NOW -> new Message.TimeoutNow(from, to, term);
                    case WireFormat.MESSAGE_FORWARDED_PROPOSAL ->
                        new Message.ForwardedProposal(from, to, term, readEntryType(in), in.readBytes("proposal data"));
                    case WireFormat.MESSAGE_FORWARDED_READ_INDEX ->
                        new Message.ForwardedReadIndex(from, to, term, in.readBytes("read context"));
                    case WireFormat.MESSAGE_READ_INDEX_RESPONSE ->
                        new Message.ReadIndexResponse(
                                from, to, term, in.readVarLong("read index"), in.readBytes("read context"));
                    default -> throw new MalformedFrameException("unknown message kind " + kind);
                };
        return new GroupMessage(groupId, message);
    }

    private static Message.Append readAppend(WireReader in, long from, long to, long term)
            throws MalformedFrameException {
        long prevIndex = in.readVarLong("prev index");
        long prevTerm = in.readVarLong("prev term");
        long commit = in.readVarLong("commit");
        int count = in.readCount("entry count", MIN_ENTRY_BYTES);
        List<Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long index = in.readVarLong("entry index");
            long entryTerm = in.readVarLong("entry term");
            if (index < 1 || entryTerm < 1) {
                throw new MalformedFrameException("entry " + index + "@" + entryTerm + ": index and term must be >= 1");
            }
            entries.add(new Entry(index, entryTerm, readEntryType(in), in.readBytes("entry data")));
        }
        return new Message.Append(from, to, term, prevIndex, prevTerm, entries, commit);
    }

    private static SnapshotMeta readSnapshot(WireReader in) throws MalformedFrameException {
        long index = in.readVarLong("snapshot index");
        long term = in.readVarLong("snapshot term");
        if (index < 0 || term < 0 || (index == 0) != (term == 0)) {
            throw new MalformedFrameException("bad snapshot position " + index + "@" + term);
        }
        boolean autoLeave = readFlags(in, 1, "membership flags") == 1;
        Set<Long> voters = readNodeSet(in, "voters");
        Set<Long> votersOutgoing = readNodeSet(in, "outgoing voters");
        Set<Long> learners = readNodeSet(in, "learners");
        Set<Long> learnersNext = readNodeSet(in, "next learners");
        for (long learner : learners) {
            if (voters.contains(learner) || votersOutgoing.contains(learner)) {
                throw new MalformedFrameException("node " + learner + " is both a learner and a voter");
            }
        }
        Membership membership = new Membership(voters, votersOutgoing, learners, learnersNext, autoLeave);
        return new SnapshotMeta(index, term, membership, in.readBytes("snapshot handle"));
    }

    private static Set<Long> readNodeSet(WireReader in, String what) throws MalformedFrameException {
        int count = in.readCount(what + " count", 1);
        if (count == 0) {
            return Set.of();
        }
        TreeSet<Long> ids = new TreeSet<>();
        long previous = 0;
        for (int i = 0; i < count; i++) {
            long delta = in.readVarLong(what);
            long id = previous + delta;
            if (delta <= 0 || id <= previous) {
                throw new MalformedFrameException(what + ": node ids must be positive and strictly ascending");
            }
            ids.add(id);
            previous = id;
        }
        return Collections.unmodifiableSet(ids);
    }

    private static EntryType readEntryType(WireReader in) throws MalformedFrameException {
        int code = in.readUnsignedByte("entry type");
        for (EntryType type : EntryType.values()) {
            if (type.code() == code) {
                return type;
            }
        }
        throw new MalformedFrameException("unknown entry type " + code);
    }

    private static int readFlags(WireReader in, int allowedBits, String what) throws MalformedFrameException {
        int flags = in.readUnsignedByte(what);
        if ((flags & ~allowedBits) != 0) {
            throw new MalformedFrameException(what + ": unknown bits in 0x" + Integer.toHexString(flags));
        }
        return flags;
    }
}
