package dev.flotilla.kv;

/**
 * How fast the Raft groups of a server tick, elect and give up.
 *
 * @param tickIntervalMs real time per Raft tick
 * @param electionTicks ticks without a leader before a follower campaigns (randomized up to twice that)
 * @param heartbeatTicks ticks between a leader's heartbeats
 * @param requestTimeoutMs how long a write or linearizable read waits before failing with UNAVAILABLE; keep it below
 *     the client's own timeout (etcdctl: 5 s) so clients see etcd's "request timed out"
 */
public record RaftTimingConfig(long tickIntervalMs, int electionTicks, int heartbeatTicks, long requestTimeoutMs) {
    public RaftTimingConfig {
        if (tickIntervalMs < 1) {
            throw new IllegalArgumentException("tickIntervalMs must be positive, was " + tickIntervalMs);
        }
        if (heartbeatTicks < 1) {
            throw new IllegalArgumentException("heartbeatTicks must be positive, was " + heartbeatTicks);
        }
        if (electionTicks <= heartbeatTicks) {
            throw new IllegalArgumentException("electionTicks (" + electionTicks
                    + ") must be greater than heartbeatTicks (" + heartbeatTicks + ")");
        }
        if (requestTimeoutMs < tickIntervalMs) {
            throw new IllegalArgumentException("requestTimeoutMs (" + requestTimeoutMs
                    + ") must be at least tickIntervalMs (" + tickIntervalMs + ")");
        }
    }

    /** 100 ms ticks, elections after 1–2 s, heartbeats every 100 ms, 4 s request timeout. */
    public static RaftTimingConfig defaults() {
        return new RaftTimingConfig(100, 10, 1, 4000);
    }
}
