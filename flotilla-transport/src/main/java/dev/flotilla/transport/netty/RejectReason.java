package dev.flotilla.transport.netty;

import java.util.Optional;

/** Why a listening node refused a HELLO. The codes are on the wire: never reuse one. */
enum RejectReason {
    WRONG_CLUSTER(1),
    NOT_A_MEMBER(2),
    SAME_NODE_ID(3);

    private final int code;

    RejectReason(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }

    static Optional<RejectReason> ofCode(int code) {
        for (RejectReason reason : values()) {
            if (reason.code == code) {
                return Optional.of(reason);
            }
        }
        return Optional.empty();
    }
}
