package dev.flotilla.transport.netty;

/** A frame broke docs/wire-protocol.md. The message is the reason logged when the connection is closed. */
final class MalformedFrameException extends Exception {
    MalformedFrameException(String reason) {
        super(reason, null, false, false);
    }
}
