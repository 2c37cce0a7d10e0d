package dev.flotilla.kv.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FailedLoginsTest {
    private static final long INTERVAL = TimeUnit.SECONDS.toNanos(10);

    @Test
    void eachAddressIsLoggedAtMostOncePerInterval() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        FailedLogins log = new FailedLogins(INTERVAL, now::get);
        assertTrue(log.failed("10.0.0.1", "alice"), "the first failure is logged");
        for (int i = 0; i < 100; i++) {
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(50));
            assertFalse(log.failed("10.0.0.1", "alice"), "a guessing loop is counted, not logged");
        }
        assertTrue(log.failed("10.0.0.2", "bob"), "another address has its own interval");
        now.addAndGet(INTERVAL);
        assertTrue(log.failed("10.0.0.1", "alice"), "logged again once the interval has passed");
    }
}
