package dev.flotilla.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
    @Test
    void quantilesAreWithinHalfAPercentOfTheExactValues() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (long v = 1; v <= 100_000; v++) {
            histogram.record(v);
        }
        assertEquals(100_000, histogram.count());
        assertWithin(50_000, histogram.quantile(0.5));
        assertWithin(99_000, histogram.quantile(0.99));
        assertWithin(99_900, histogram.quantile(0.999));
    }

    @Test
    void smallValuesAreExact() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(3);
        histogram.record(7);
        assertEquals(3, histogram.quantile(0.5));
        assertEquals(7, histogram.quantile(1.0));
    }

    private static void assertWithin(long expected, long actual) {
        assertTrue(Math.abs(actual - expected) <= expected / 200 + 1, "expected ~" + expected + " got " + actual);
    }
}
