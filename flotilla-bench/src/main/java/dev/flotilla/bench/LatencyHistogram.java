package dev.flotilla.bench;

/**
 * Latencies in microseconds, in log-linear buckets (256 per power of two, so quantiles are within 0.4%), with no
 * allocation per sample. Thread-safe: clients completing on several threads may record into one histogram.
 */
public final class LatencyHistogram {
    private static final int SUB_BUCKETS = 256;
    private final long[] counts = new long[64 * SUB_BUCKETS];
    private long total;

    public synchronized void record(long micros) {
        counts[bucket(Math.max(0, micros))]++;
        total++;
    }

    public synchronized long count() {
        return total;
    }

    /** The value at quantile {@code q} (0..1): the upper edge of its bucket. */
    public synchronized long quantile(double q) {
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int b = 0; b < counts.length; b++) {
            seen += counts[b];
            if (seen >= rank) {
                return upperEdge(b);
            }
        }
        return upperEdge(counts.length - 1);
    }

    private static int bucket(long v) {
        if (v < SUB_BUCKETS) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v) - 8; // v >>> exponent is in [256, 512)
        return SUB_BUCKETS + exponent * SUB_BUCKETS + (int) (v >>> exponent) - SUB_BUCKETS;
    }

    private static long upperEdge(int bucket) {
        if (bucket < SUB_BUCKETS) {
            return bucket;
        }
        int exponent = (bucket - SUB_BUCKETS) / SUB_BUCKETS;
        long mantissa = (bucket - SUB_BUCKETS) % SUB_BUCKETS + SUB_BUCKETS;
        return ((mantissa + 1) << exponent) - 1;
    }
}
