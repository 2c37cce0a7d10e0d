package dev.flotilla.raft;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of a group's Raft log.
 *
 * <p>{@code data} is owned by the entry once constructed: neither the core nor callers modify it. For {@link
 * EntryType#CONF_CHANGE} entries it holds a {@link ConfChange} in its {@linkplain ConfChange#encode() encoding}; for
 * {@link EntryType#NORMAL} entries it is opaque to the core (an empty array is the no-op a new leader appends).
 *
 * @param index position in the log, starting at 1
 * @param term term of the leader that created the entry, at least 1
 */
public record Entry(long index, long term, EntryType type, byte[] data) {
    public Entry {
        if (index < 1) {
            throw new IllegalArgumentException("index must be >= 1, was " + index);
        }
        if (term < 1) {
            throw new IllegalArgumentException("term must be >= 1, was " + term);
        }
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
    }

    /** A normal (state machine) entry. */
    public static Entry normal(long index, long term, byte[] data) {
        return new Entry(index, term, EntryType.NORMAL, data);
    }

    /** Bytes this entry counts for in size limits ({@code maxBytesPerMessage}, {@code maxInflightBytes}, ...). */
    public long sizeBytes() {
        return data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Entry e
                && index == e.index
                && term == e.term
                && type == e.type
                && Arrays.equals(data, e.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, term, type, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "Entry[" + index + "@" + term + " " + type + " " + data.length + "B]";
    }
}
