package dev.flotilla.transport.netty;

import static dev.flotilla.transport.netty.WireFormat.HEARTBEAT_HAS_CONTEXT;
import static dev.flotilla.transport.netty.WireFormat.HEARTBEAT_HAS_TICK;
import static dev.flotilla.transport.netty.WireFormat.MAX_VARINT_BYTES;

import dev.flotilla.raft.Message;
import dev.flotilla.raft.Message.Heartbeat;
import dev.flotilla.raft.Message.HeartbeatResponse;
import dev.flotilla.transport.GroupMessage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The merged heartbeat and heartbeat-response sections of a batch: one compact entry per group, each stored as the
 * difference from the entry before it (docs/wire-protocol.md, "Merged heartbeats"). Entries are sorted by group id so
 * that the group id difference is small; the sender's clock tick, the same for all heartbeats of one tick, is written
 * only when it changes.
 */
final class MergedHeartbeats {
    private static final Comparator<GroupMessage> BY_GROUP = (a, b) -> Long.compareUnsigned(a.groupId(), b.groupId());

    /** flags, group delta, term, commit: one byte each at least. */
    private static final int MIN_HEARTBEAT_BYTES = 4;
    /** flags, group delta, term. */
    private static final int MIN_RESPONSE_BYTES = 3;

    private static final int MAX_HEARTBEAT_BYTES = 1 + 4 * MAX_VARINT_BYTES;
    private static final int MAX_RESPONSE_BYTES = 1 + 3 * MAX_VARINT_BYTES;

    private MergedHeartbeats() {}

    static boolean isMerged(Message message) {
        return message instanceof Heartbeat || message instanceof HeartbeatResponse;
    }

    /** An upper bound of the bytes one heartbeat or heartbeat response adds to its section. */
    static long maxEncodedBytes(Message message) {
        if (message instanceof Heartbeat m) {
            return MAX_HEARTBEAT_BYTES + WireWriter.maxBytesOf(m.context());
        }
        return MAX_RESPONSE_BYTES + WireWriter.maxBytesOf(((HeartbeatResponse) message).context());
    }

    /** Writes the count and entries of a section; {@code section} holds only one of the two kinds. */
    static void write(WireWriter out, List<GroupMessage> section) {
        List<GroupMessage> sorted = new ArrayList<>(section);
        sorted.sort(BY_GROUP);
        out.writeVarLong(sorted.size());
        long previousGroup = 0;
        long previousTick = 0;
        for (GroupMessage groupMessage : sorted) {
            Message message = groupMessage.message();
            long tick = message instanceof Heartbeat h ? h.sentAtTick() : ((HeartbeatResponse) message).sentAtTick();
            byte[] context = message instanceof Heartbeat h ? h.context() : ((HeartbeatResponse) message).context();
            out.writeByte(
                    (tick != previousTick ? HEARTBEAT_HAS_TICK : 0) | (context.length > 0 ? HEARTBEAT_HAS_CONTEXT : 0));
            out.writeVarLong(groupMessage.groupId() - previousGroup);
            out.writeVarLong(message.term());
            if (message instanceof Heartbeat h) {
                out.writeVarLong(h.commit());
            }
            if (tick != previousTick) {
                out.writeVarLong(tick);
            }
            if (context.length > 0) {
                out.writeBytes(context);
            }
            previousGroup = groupMessage.groupId();
            previousTick = tick;
        }
    }

    /** Reads a section written by {@link #write} into {@code into}. */
    static void read(WireReader in, boolean responses, long from, long to, List<GroupMessage> into)
            throws MalformedFrameException {
        String what = responses ? "heartbeat response" : "heartbeat";
        int count = in.readCount(what + " count", responses ? MIN_RESPONSE_BYTES : MIN_HEARTBEAT_BYTES);
        long previousGroup = 0;
        long previousTick = 0;
        for (int i = 0; i < count; i++) {
            int flags = in.readUnsignedByte(what + " flags");
            if ((flags & ~(HEARTBEAT_HAS_TICK | HEARTBEAT_HAS_CONTEXT)) != 0) {
                throw new MalformedFrameException(what + " flags: unknown bits in 0x" + Integer.toHexString(flags));
            }
            long groupId = previousGroup + in.readVarLong(what + " group delta");
            if (Long.compareUnsigned(groupId, previousGroup) < 0) {
                throw new MalformedFrameException(what + " group ids overflow");
            }
            long term = in.readVarLong(what + " term");
            long commit = responses ? 0 : in.readVarLong("heartbeat commit");
            long tick = previousTick;
            if ((flags & HEARTBEAT_HAS_TICK) != 0) {
                tick = in.readVarLong(what + " tick");
                if (tick == previousTick) {
                    throw new MalformedFrameException(what + " repeats the previous tick");
                }
            }
            byte[] context = WireFormat.NO_BYTES;
            if ((flags & HEARTBEAT_HAS_CONTEXT) != 0) {
                context = in.readBytes(what + " context");
                if (context.length == 0) {
                    throw new MalformedFrameException(what + " has an empty context flagged as present");
                }
            }
            Message message = responses
                    ? new HeartbeatResponse(from, to, term, context, tick)
                    : new Heartbeat(from, to, term, commit, context, tick);
            into.add(new GroupMessage(groupId, message));
            previousGroup = groupId;
            previousTick = tick;
        }
    }
}
