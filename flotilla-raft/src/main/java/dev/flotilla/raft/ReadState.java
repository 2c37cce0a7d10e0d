package dev.flotilla.raft;

/**
 * A read that became safe: once the local state machine has applied {@code index}, reading it is linearizable.
 *
 * @param context the caller's request context given to {@link RaftReplica#readIndex(byte[])}, unchanged
 */
public record ReadState(long index, byte[] context) {}
