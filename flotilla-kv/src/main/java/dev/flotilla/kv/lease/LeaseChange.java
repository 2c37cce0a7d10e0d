package dev.flotilla.kv.lease;

/** A change to a range's set of leases, as its state machine applied it. */
public sealed interface LeaseChange {
    long leaseId();

    record Granted(long leaseId, long ttlSeconds) implements LeaseChange {}

    record Revoked(long leaseId) implements LeaseChange {}
}
