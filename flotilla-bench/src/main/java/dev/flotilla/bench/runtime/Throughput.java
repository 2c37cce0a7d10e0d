package dev.flotilla.bench.runtime;

import dev.flotilla.bench.LatencyHistogram;

/** What one measured run of the closed-loop clients achieved. Latencies in microseconds. */
record Throughput(double committedPerSec, long p50Us, long p99Us, long p999Us, double cpuCores, double seconds) {
    static Throughput of(LatencyHistogram latencies, double seconds, double cpuSeconds) {
        return new Throughput(
                latencies.count() / seconds,
                latencies.quantile(0.50),
                latencies.quantile(0.99),
                latencies.quantile(0.999),
                cpuSeconds / seconds,
                seconds);
    }
}
