package dev.flotilla.kv;

import dev.flotilla.kv.command.Rejection;

/**
 * A request the store refused as a whole, with etcd's reason (a compacted or future revision, a missing key for
 * {@code ignore_value}, ...). Nothing of the request was applied.
 */
public final class RejectedRequestException extends RuntimeException {
    private final Rejection rejection;

    public RejectedRequestException(Rejection.Kind kind, String message) {
        super(message);
        this.rejection =
                Rejection.newBuilder().setKind(kind).setMessage(message).build();
    }

    public RejectedRequestException(Rejection rejection) {
        super(rejection.getMessage());
        this.rejection = rejection;
    }

    public Rejection rejection() {
        return rejection;
    }
}
