package dev.flotilla.transport.netty;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final Duration MIN = Duration.ofMillis(50);
    private static final Duration MAX = Duration.ofSeconds(5);

    @Test
    void waitsDoubleFromTheMinimumUpToTheMaximumWithinTheirJitter() {
        Backoff backoff = new Backoff(MIN, MAX, new Random(1));

        long ceiling = MIN.toNanos();
        for (int failure = 1; failure <= 20; failure++) {
            long wait = backoff.next().toNanos();
            assertTrue(wait >= ceiling / 2 && wait <= ceiling, "failure " + failure + " waited " + wait + "ns");
            ceiling = Math.min(ceiling * 2, MAX.toNanos());
        }
    }

    @Test
    void aResetStartsAgainFromTheMinimum() {
        Backoff backoff = new Backoff(MIN, MAX, new Random(2));
        for (int i = 0; i < 10; i++) {
            backoff.next();
        }

        backoff.reset();

        assertTrue(backoff.next().compareTo(MIN) <= 0);
    }

    @Test
    void aHugeMaximumDoesNotOverflow() {
        Backoff backoff = new Backoff(Duration.ofMillis(1), Duration.ofNanos(Long.MAX_VALUE), new Random(3));

        for (int i = 0; i < 100; i++) {
            assertTrue(!backoff.next().isNegative());
        }
    }
}
