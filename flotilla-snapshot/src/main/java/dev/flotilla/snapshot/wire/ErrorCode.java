package dev.flotilla.snapshot.wire;

import java.util.Optional;

/** Why a sender refused a request (the code byte of an ERROR frame). */
public enum ErrorCode {
    /** The sender does not hold the snapshot id. */
    NOT_FOUND(1),
    /** The sender is at its limit of concurrent sends; try later or elsewhere. */
    BUSY(2),
    /** The request broke the protocol (unknown chunk, frame before OPEN, ...); the connection is closed. */
    BAD_REQUEST(3),
    /** The sender could not read its file. */
    IO_ERROR(4),
    /** The receiver speaks a protocol version the sender does not. */
    UNSUPPORTED_VERSION(5);

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<ErrorCode> of(int code) {
        for (ErrorCode c : values()) {
            if (c.code == code) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
