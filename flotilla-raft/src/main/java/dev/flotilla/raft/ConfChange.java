package dev.flotilla.raft;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A membership change, proposed with {@link RaftReplica#proposeConfChange(ConfChange)} and replicated as a {@link
 * EntryType#CONF_CHANGE} entry. It takes effect on every replica in the core itself, when the {@link Ready} that hands
 * the committed entry out for apply is acknowledged with {@code advance}; so a restarted replica rebuilds its
 * membership from the snapshot plus the log, the same way.
 *
 * <p>A single change that alters at most one voter is applied directly. Anything else (several changes, or {@link
 * Transition#JOINT_AUTO_LEAVE}/{@link Transition#JOINT_EXPLICIT_LEAVE}) enters joint consensus: the old and the new
 * voter sets must both agree until the joint state is left, automatically by the leader or by proposing {@link
 * #leaveJoint()}.
 *
 * <p><b>Encoding</b> (persisted and replicated, so it never changes meaning; see docs/raft.md): byte version (1), byte
 * transition code, int32 change count, then per change a byte type code and an int64 node id, big-endian.
 */
public record ConfChange(List<Change> changes, Transition transition) {
    static final byte VERSION = 1;

    /** One step of a change. */
    public record Change(ChangeType type, long nodeId) {
        public Change {
            if (type == null) {
                throw new IllegalArgumentException("change type must be given");
            }
            if (nodeId <= 0) {
                throw new IllegalArgumentException("node ids must be positive, got " + nodeId);
            }
        }
    }

    /** What happens to one node. Codes are persisted: never reuse one. */
    public enum ChangeType {
        ADD_VOTER(0),
        ADD_LEARNER(1),
        REMOVE_NODE(2),
        /** Make an existing learner a voter. */
        PROMOTE_LEARNER(3);

        private final int code;

        ChangeType(int code) {
            this.code = code;
        }

        static ChangeType ofCode(int code) {
            for (ChangeType t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown conf change type code " + code);
        }
    }

    /** How the change is carried out. Codes are persisted: never reuse one. */
    public enum Transition {
        /** Directly when at most one voter changes; otherwise joint consensus, left automatically. */
        AUTO(0),
        /** Always joint consensus; the leader leaves the joint state on its own once it is applied. */
        JOINT_AUTO_LEAVE(1),
        /** Always joint consensus; stays joint until a {@link #leaveJoint()} change is committed. */
        JOINT_EXPLICIT_LEAVE(2);

        private final int code;

        Transition(int code) {
            this.code = code;
        }

        static Transition ofCode(int code) {
            for (Transition t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown conf change transition code " + code);
        }
    }

    public ConfChange {
        changes = List.copyOf(changes);
        if (transition == null) {
            throw new IllegalArgumentException("transition must be given");
        }
    }

    public static ConfChange of(ChangeType type, long nodeId) {
        return new ConfChange(List.of(new Change(type, nodeId)), Transition.AUTO);
    }

    /** The change that leaves a joint configuration. */
    public static ConfChange leaveJoint() {
        return new ConfChange(List.of(), Transition.AUTO);
    }

    public boolean isLeaveJoint() {
        return changes.isEmpty();
    }

    public byte[] encode() {
        ByteBuffer buf = ByteBuffer.allocate(2 + 4 + changes.size() * 9);
        buf.put(VERSION).put((byte) transition.code).putInt(changes.size());
        for (Change c : changes) {
            buf.put((byte) c.type().code).putLong(c.nodeId());
        }
        return buf.array();
    }

    /** @throws IllegalArgumentException if {@code bytes} is not a valid encoding */
    public static ConfChange decode(byte[] bytes) {
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            byte version = buf.get();
            if (version != VERSION) {
                throw new IllegalArgumentException("unsupported conf change version " + version);
            }
            Transition transition = Transition.ofCode(buf.get());
            int count = buf.getInt();
            if (count < 0 || count * 9L != buf.remaining()) {
                throw new IllegalArgumentException(
                        "conf change declares " + count + " changes but has " + buf.remaining() + " bytes left");
            }
            List<Change> changes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                changes.add(new Change(ChangeType.ofCode(buf.get()), buf.getLong()));
            }
            return new ConfChange(changes, transition);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated conf change of " + bytes.length + " bytes", e);
        }
    }
}
