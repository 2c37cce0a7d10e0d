package dev.flotilla.transport.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import org.slf4j.Logger;

/** How connection handlers log the errors that close a connection. */
final class ConnectionErrors {
    private ConnectionErrors() {}

    /**
     * I/O errors (resets, refused TLS handshakes) are routine between nodes that restart, so they go to debug; a TLS
     * handshake failure is logged separately by {@link #logTlsFailure}. Anything else is unexpected.
     */
    static void log(Logger log, ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException || cause.getCause() instanceof IOException) {
            log.debug("{}: closing the connection: {}", ctx.channel(), cause.toString());
        } else {
            log.warn("{}: closing the connection after an unexpected error", ctx.channel(), cause);
        }
    }

    static void logTlsFailure(Object event, ChannelHandlerContext ctx, Logger log) {
        if (event instanceof SslHandshakeCompletionEvent completion && !completion.isSuccess()) {
            log.warn(
                    "{}: TLS handshake failed: {}",
                    ctx.channel(),
                    completion.cause().toString());
        }
    }
}
