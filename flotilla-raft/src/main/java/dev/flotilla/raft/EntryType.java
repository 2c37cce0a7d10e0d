package dev.flotilla.raft;

/** What an {@link Entry} carries. The numeric codes are persisted and sent on the wire: never reuse one. */
public enum EntryType {
    /** State machine data, opaque to the core. */
    NORMAL(0),
    /** A membership change, encoded by {@link ConfChange#encode()}. */
    CONF_CHANGE(1);

    private final int code;

    EntryType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** @throws IllegalArgumentException for a code no type has */
    public static EntryType ofCode(int code) {
        for (EntryType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown entry type code " + code);
    }
}
