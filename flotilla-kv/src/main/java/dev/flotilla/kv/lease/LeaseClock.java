package dev.flotilla.kv.lease;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * When the leases of one range expire, as this node's clock sees it. Every replica keeps one, fed by its applies, but
 * only the range's leader consults it: the leader renews leases on keep-alives and revokes, through Raft, the leases
 * whose time is up. Deadlines are local time, never replicated, so a new leader {@link #extendAll extends} every lease
 * by its election timeout before it judges any: the keep-alives the old leader received are unknown to it.
 *
 * <p>Thread-safe: {@link #applied} runs on the Raft driver thread, the rest on client and lease-keeper threads.
 */
public final class LeaseClock {
    private record Deadline(long ttlSeconds, long atNanos) {}

    private final LongSupplier nanoTime;
    private final Map<Long, Deadline> deadlines = new ConcurrentHashMap<>();

    /** @param nanoTime a monotonic clock ({@code System::nanoTime}; tests pass their own) */
    public LeaseClock(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Follows a grant (the lease lives a full TTL from now) or a revoke (the lease is gone). */
    public void applied(LeaseChange change) {
        if (change instanceof LeaseChange.Granted granted) {
            deadlines.put(granted.leaseId(), deadline(granted.ttlSeconds(), Duration.ZERO));
        } else {
            deadlines.remove(change.leaseId());
        }
    }

    /** Forgets every lease and follows {@code granted} instead, each with a full TTL from now (after a snapshot). */
    public void replaceAll(List<LeaseChange.Granted> granted) {
        deadlines.clear();
        granted.forEach(this::applied);
    }

    /** Gives every lease its full TTL plus {@code extension} from now: what a new leader does first. */
    public void extendAll(Duration extension) {
        deadlines.replaceAll((id, d) -> deadline(d.ttlSeconds(), extension));
    }

    /** Renews a lease for its full TTL from now; returns that TTL, or 0 if the lease does not exist. */
    public long renew(long leaseId) {
        Deadline renewed = deadlines.computeIfPresent(leaseId, (id, d) -> deadline(d.ttlSeconds(), Duration.ZERO));
        return renewed == null ? 0 : renewed.ttlSeconds();
    }

    /** The time left before the lease expires (zero once it is due), if it exists. */
    public Optional<Duration> remaining(long leaseId) {
        Deadline deadline = deadlines.get(leaseId);
        if (deadline == null) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(Math.max(0, deadline.atNanos() - nanoTime.getAsLong())));
    }

    /** The leases whose deadline has passed. */
    public List<Long> expired() {
        long now = nanoTime.getAsLong();
        return deadlines.entrySet().stream()
                .filter(e -> e.getValue().atNanos() - now <= 0)
                .map(Map.Entry::getKey)
                .toList();
    }

    private Deadline deadline(long ttlSeconds, Duration extension) {
        return new Deadline(
                ttlSeconds,
                nanoTime.getAsLong()
                        + Duration.ofSeconds(ttlSeconds).plus(extension).toNanos());
    }
}
