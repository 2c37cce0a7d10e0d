package dev.flotilla.bench.log;

import java.util.Locale;

/** What one closed-loop run measured; {@link #toJson()} uses the keys docs/benchmarks.md describes. */
record BenchResult(
        String engine,
        int groups,
        int entryBytes,
        double seconds,
        double entriesPerSec,
        double fsyncsPerSec,
        long p50Micros,
        long p99Micros,
        long p999Micros,
        double indexBytesPerEntry,
        long diskBytes,
        long liveBytes) {
    double mbPerSec() {
        return entriesPerSec * entryBytes / 1e6;
    }

    String toJson() {
        return String.format(
                Locale.ROOT,
                "{\"engine\":\"%s\",\"groups\":%d,\"entry_bytes\":%d,\"seconds\":%.1f,\"entries_per_sec\":%.0f,"
                        + "\"mb_per_sec\":%.1f,\"fsyncs_per_sec\":%.0f,\"p50_us\":%d,\"p99_us\":%d,\"p999_us\":%d,"
                        + "\"index_bytes_per_entry\":%.1f,\"disk_bytes\":%d,\"live_bytes\":%d}",
                engine,
                groups,
                entryBytes,
                seconds,
                entriesPerSec,
                mbPerSec(),
                fsyncsPerSec,
                p50Micros,
                p99Micros,
                p999Micros,
                indexBytesPerEntry,
                diskBytes,
                liveBytes);
    }
}
