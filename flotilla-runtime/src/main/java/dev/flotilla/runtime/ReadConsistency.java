package dev.flotilla.runtime;

/** How fresh a read must be. */
public enum ReadConsistency {
    /**
     * The read reflects every write acknowledged before it was issued: the leader confirms it still leads (ReadIndex,
     * or its lease when the group is configured for lease reads) and the local state machine catches up first.
     */
    LINEARIZABLE,
    /** The read reflects whatever this node has applied; it may miss recent writes. No round trip. */
    STALE
}
