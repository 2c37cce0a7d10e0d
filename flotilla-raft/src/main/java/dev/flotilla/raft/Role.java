package dev.flotilla.raft;

/** The role a replica plays in its group. */
public enum Role {
    FOLLOWER,
    /** Probing with a pre-vote whether an election could be won, without disturbing anyone's term. */
    PRE_CANDIDATE,
    CANDIDATE,
    LEADER
}
