package dev.flotilla.snapshot;

import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of a node's snapshot receiver. Immutable; {@link #defaults} were measured on a 2-core machine with
 * {@code flotilla bench snapshot} (see {@code docs/benchmarks.md}).
 *
 * @param streams parallel TCP connections per transfer (default 2)
 * @param requestsInFlightPerStream chunk requests outstanding on one connection (default 4): enough to keep the pipe
 *     full, and all the sender may queue for it
 * @param maxConcurrentReceives transfers running at once; more wait (default 2)
 * @param nodeBytesPerSecond bandwidth of all receives together, {@code 0} for unlimited (default)
 * @param connectTimeout TCP connect timeout (default 3 s)
 * @param responseTimeout a source that answers nothing for this long, while requests are outstanding, is dropped
 *     (default 10 s)
 * @param keepAlive a throttled stream pings the sender this often so that the sender's lease does not expire; must be
 *     well below the sender's lease (default 5 s)
 * @param syncEveryBytes chunk bytes written between syncs of data and progress (default 16 MiB): the most a crash can
 *     make a receiver fetch again, per transfer
 * @param maxBadChunks chunks with a bad checksum tolerated from one source before it is dropped (default 16)
 * @param reconnects reconnects to a source after its connection breaks, before moving to the next (default 2)
 * @param sourceRounds passes over the source list before the transfer fails (default 3)
 * @param roundBackoff pause between passes (default 1 s)
 */
public record SnapshotFetcherConfig(
        int streams,
        int requestsInFlightPerStream,
        int maxConcurrentReceives,
        long nodeBytesPerSecond,
        Duration connectTimeout,
        Duration responseTimeout,
        Duration keepAlive,
        long syncEveryBytes,
        int maxBadChunks,
        int reconnects,
        int sourceRounds,
        Duration roundBackoff) {

    public SnapshotFetcherConfig {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(responseTimeout, "responseTimeout");
        Objects.requireNonNull(keepAlive, "keepAlive");
        Objects.requireNonNull(roundBackoff, "roundBackoff");
        require(streams >= 1 && streams <= 64, "streams must be in [1, 64], was " + streams);
        require(
                requestsInFlightPerStream >= 1 && requestsInFlightPerStream <= 64,
                "requestsInFlightPerStream in [1, 64]");
        require(maxConcurrentReceives >= 1, "maxConcurrentReceives must be at least 1");
        require(nodeBytesPerSecond >= 0, "nodeBytesPerSecond must be 0 (unlimited) or positive");
        require(positive(connectTimeout) && positive(responseTimeout) && positive(keepAlive), "durations > 0");
        require(syncEveryBytes >= 1 << 20, "syncEveryBytes must be at least 1 MiB");
        require(maxBadChunks >= 0 && reconnects >= 0 && sourceRounds >= 1, "counts must not be negative");
        require(!roundBackoff.isNegative(), "roundBackoff must not be negative");
    }

    public static SnapshotFetcherConfig defaults() {
        return new SnapshotFetcherConfig(
                2,
                4,
                2,
                0,
                Duration.ofSeconds(3),
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                16 << 20,
                16,
                2,
                3,
                Duration.ofSeconds(1));
    }

    public SnapshotFetcherConfig withStreams(int count, int requestsInFlight) {
        return new SnapshotFetcherConfig(
                count,
                requestsInFlight,
                maxConcurrentReceives,
                nodeBytesPerSecond,
                connectTimeout,
                responseTimeout,
                keepAlive,
                syncEveryBytes,
                maxBadChunks,
                reconnects,
                sourceRounds,
                roundBackoff);
    }

    public SnapshotFetcherConfig withTimeouts(Duration response, Duration keepAliveInterval) {
        return new SnapshotFetcherConfig(
                streams,
                requestsInFlightPerStream,
                maxConcurrentReceives,
                nodeBytesPerSecond,
                connectTimeout,
                response,
                keepAliveInterval,
                syncEveryBytes,
                maxBadChunks,
                reconnects,
                sourceRounds,
                roundBackoff);
    }

    public SnapshotFetcherConfig withRetries(int badChunks, int reconnectCount, int rounds, Duration backoff) {
        return new SnapshotFetcherConfig(
                streams,
                requestsInFlightPerStream,
                maxConcurrentReceives,
                nodeBytesPerSecond,
                connectTimeout,
                responseTimeout,
                keepAlive,
                syncEveryBytes,
                badChunks,
                reconnectCount,
                rounds,
                backoff);
    }

    public SnapshotFetcherConfig withSyncEveryBytes(long bytes) {
        return new SnapshotFetcherConfig(
                streams,
                requestsInFlightPerStream,
                maxConcurrentReceives,
                nodeBytesPerSecond,
                connectTimeout,
                responseTimeout,
                keepAlive,
                bytes,
                maxBadChunks,
                reconnects,
                sourceRounds,
                roundBackoff);
    }

    public SnapshotFetcherConfig withLimits(int concurrentReceives, long nodeLimit) {
        return new SnapshotFetcherConfig(
                streams,
                requestsInFlightPerStream,
                concurrentReceives,
                nodeLimit,
                connectTimeout,
                responseTimeout,
                keepAlive,
                syncEveryBytes,
                maxBadChunks,
                reconnects,
                sourceRounds,
                roundBackoff);
    }

    private static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
