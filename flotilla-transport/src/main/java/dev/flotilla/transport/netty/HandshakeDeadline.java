package dev.flotilla.transport.netty;

import io.netty.channel.ChannelHandlerContext;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;

/** Closes a connection whose TLS and protocol handshakes have not completed in time. */
final class HandshakeDeadline {
    private HandshakeDeadline() {}

    static void arm(ChannelHandlerContext ctx, Duration timeout, BooleanSupplier done, Logger log) {
        ctx.executor()
                .schedule(
                        () -> {
                            if (!done.getAsBoolean() && ctx.channel().isOpen()) {
                                log.warn(
                                        "{}: closing the connection: no handshake within {} ms",
                                        ctx.channel(),
                                        timeout.toMillis());
                                ctx.close();
                            }
                        },
                        timeout.toNanos(),
                        TimeUnit.NANOSECONDS);
    }
}
