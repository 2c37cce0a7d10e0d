package dev.flotilla.bench.catchup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
    private static final String SCRAPE = String.join(
            "\n",
            "# HELP flotilla_snapshot_received_bytes_total bytes received",
            "# TYPE flotilla_snapshot_received_bytes_total counter",
            "flotilla_snapshot_received_bytes_total{range=\"1\"} 1048576.0",
            "flotilla_snapshot_received_bytes_total{range=\"2\",peer=\"a}b\"} 24.0 1700000000000",
            "flotilla_snapshot_received_bytes_total_extra 5.0",
            "flotilla_snapshot_received 7.0",
            "flotilla_log_live_bytes 42.0",
            "");

    @Test
    void sumsEverySampleOfTheSeriesWhateverItsLabelsAndTimestamp() {
        assertEquals(
                OptionalDouble.of(1048600.0), PrometheusText.sum(SCRAPE, "flotilla_snapshot_received_bytes_total"));
    }

    @Test
    void readsASeriesWithoutLabels() {
        assertEquals(OptionalDouble.of(42.0), PrometheusText.sum(SCRAPE, "flotilla_log_live_bytes"));
    }

    @Test
    void aSeriesTheNodeDoesNotExportIsEmptyNotZero() {
        assertEquals(OptionalDouble.empty(), PrometheusText.sum(SCRAPE, "flotilla_snapshot_sent_bytes_total"));
    }
}
