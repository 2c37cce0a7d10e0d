package dev.flotilla.transport.netty;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/** Records what the transport logs, so tests can check that a connection was closed for the stated reason. */
final class LogCapture implements AutoCloseable {
    private final Logger root = (Logger) LoggerFactory.getLogger("dev.flotilla.transport");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LogCapture() {
        appender.start();
        root.addAppender(appender);
    }

    boolean contains(String text) {
        synchronized (appender.list) {
            return appender.list.stream().anyMatch(e -> e.getFormattedMessage().contains(text));
        }
    }

    /** Whether node {@code nodeId}'s I/O threads logged {@code text}. */
    boolean containsFromNode(long nodeId, String text) {
        String threadPrefix = "flotilla-transport-" + nodeId + "-";
        synchronized (appender.list) {
            return appender.list.stream()
                    .anyMatch(e -> e.getThreadName().startsWith(threadPrefix)
                            && e.getFormattedMessage().contains(text));
        }
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}
