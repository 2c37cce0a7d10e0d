package dev.flotilla.raft;

/**
 * The state of one group that must survive a crash: current term, the vote cast in it, and the commit index.
 *
 * <p>Term and vote must be durable before any message that depends on them is sent (see {@link Ready}). The commit
 * index may be persisted lazily: after a crash it is only a lower bound, never a promise.
 *
 * @param term current term, 0 before the first election
 * @param vote node voted for in {@code term}, or {@link #NO_VOTE}
 * @param commit highest index known to be committed
 */
public record HardState(long term, long vote, long commit) {
    public static final long NO_VOTE = 0;
    public static final HardState EMPTY = new HardState(0, NO_VOTE, 0);

    public HardState {
        if (term < 0 || vote < 0 || commit < 0) {
            throw new IllegalArgumentException("negative field in " + term + "/" + vote + "/" + commit);
        }
    }

    public boolean isEmpty() {
        return equals(EMPTY);
    }
}
