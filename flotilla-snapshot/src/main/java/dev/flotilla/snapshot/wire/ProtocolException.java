package dev.flotilla.snapshot.wire;

import java.io.IOException;

/** The peer sent bytes that break the protocol; the connection cannot be trusted any more and is closed. */
public final class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message);
    }
}
