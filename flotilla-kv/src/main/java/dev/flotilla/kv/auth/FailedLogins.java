package dev.flotilla.kv.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs failed authentications with the client's address, at most one line per address per interval: a client that
 * guesses passwords in a loop leaves one warning per interval, with how many failures it stands for, instead of
 * flooding the log. Never logs the password. Thread-safe.
 */
public final class FailedLogins {
    private static final Logger LOG = LoggerFactory.getLogger(FailedLogins.class);
    /** Addresses tracked at most; beyond it, the oldest entries are dropped so a scan cannot exhaust memory. */
    private static final int MAX_ADDRESSES = 10_000;

    private final long intervalNanos;
    private final LongSupplier clockNanos;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        long startNanos;
        int suppressed;

        Window(long startNanos) {
            this.startNanos = startNanos;
        }
    }

    public FailedLogins(long intervalNanos, LongSupplier clockNanos) {
        this.intervalNanos = intervalNanos;
        this.clockNanos = clockNanos;
    }

    /**
     * Records a failure of {@code user} from {@code address}.
     *
     * @return whether it was logged (false: counted towards the address's next line)
     */
    public boolean failed(String address, String user) {
        long now = clockNanos.getAsLong();
        if (windows.size() >= MAX_ADDRESSES) {
            windows.entrySet().removeIf(e -> now - e.getValue().startNanos >= intervalNanos);
        }
        Window window = windows.computeIfAbsent(address, a -> new Window(now - intervalNanos));
        int suppressed;
        synchronized (window) {
            if (now - window.startNanos < intervalNanos) {
                window.suppressed++;
                return false;
            }
            suppressed = window.suppressed;
            window.startNanos = now;
            window.suppressed = 0;
        }
        LOG.warn(
                "authentication of user '{}' from {} failed{}",
                user,
                address,
                suppressed == 0 ? "" : " (and " + suppressed + " more failures from there since the last warning)");
        return true;
    }
}
