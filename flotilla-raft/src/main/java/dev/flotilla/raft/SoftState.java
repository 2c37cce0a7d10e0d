package dev.flotilla.raft;

/**
 * The volatile part of a replica's state that callers care about: who leads and what this replica is. Never persisted.
 *
 * @param leader the leader this replica follows, or {@link RaftConfig#NO_NODE} when it knows none
 */
public record SoftState(long leader, Role role) {}
