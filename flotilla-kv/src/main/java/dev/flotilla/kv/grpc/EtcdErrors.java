package dev.flotilla.kv.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import dev.flotilla.kv.RejectedRequestException;
import dev.flotilla.kv.auth.AuthMessages;
import dev.flotilla.kv.command.Rejection;
import dev.flotilla.runtime.RequestFailedException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.concurrent.CompletionException;

/**
 * Turns failures into the gRPC statuses etcd answers with. The messages are etcd's own: etcd clients recognise them
 * (clientv3 maps them to typed errors, etcdctl prints them). Failures a client should retry (no leader, timeouts,
 * back-pressure) also carry a {@code google.rpc.RetryInfo} saying how long to wait.
 */
final class EtcdErrors {
    static final String EMPTY_KEY = "etcdserver: key is not provided";
    static final String TOO_MANY_OPS = "etcdserver: too many operations in txn request";
    static final String DUPLICATE_KEY = "etcdserver: duplicate key given in txn request";
    static final String REQUEST_TOO_LARGE = "etcdserver: request is too large";
    static final String NO_LEADER = "etcdserver: no leader";
    static final String TIMED_OUT = "etcdserver: request timed out";
    static final String TOO_MANY_REQUESTS = "etcdserver: too many requests";
    static final String STOPPED = "etcdserver: server stopped";
    static final String MEMBER_NOT_FOUND = "etcdserver: member not found";
    static final String MEMBER_BAD_URLS = "etcdserver: given member URLs are invalid";
    static final String PEER_URL_EXISTS = "etcdserver: Peer URLs already exists";
    static final String MEMBER_NOT_LEARNER = "etcdserver: can only promote a learner member";
    static final String LEARNER_NOT_READY =
            "etcdserver: can only promote a learner member which is in sync with leader";
    static final String NOT_ENOUGH_STARTED = "etcdserver: re-configuration failed due to not enough started members";

    private final long retryDelayMs;

    /** @param retryDelayMs how long a client should wait before retrying: about one election */
    EtcdErrors(long retryDelayMs) {
        this.retryDelayMs = retryDelayMs;
    }

    static StatusRuntimeException invalidArgument(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }

    static StatusRuntimeException failedPrecondition(String message) {
        return Status.FAILED_PRECONDITION.withDescription(message).asRuntimeException();
    }

    static StatusRuntimeException permissionDenied() {
        return Status.PERMISSION_DENIED
                .withDescription(AuthMessages.PERMISSION_DENIED)
                .asRuntimeException();
    }

    static StatusRuntimeException invalidAuthToken() {
        return Status.UNAUTHENTICATED
                .withDescription(AuthMessages.INVALID_AUTH_TOKEN)
                .asRuntimeException();
    }

    static StatusRuntimeException memberNotFound() {
        return Status.NOT_FOUND.withDescription(MEMBER_NOT_FOUND).asRuntimeException();
    }

    StatusRuntimeException toStatus(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof StatusRuntimeException status) {
            return status;
        }
        if (cause instanceof RejectedRequestException rejected
                && rejected.rejection().getKind() == Rejection.Kind.WRONG_RANGE) {
            return retryable(Code.UNAVAILABLE, rejected.getMessage());
        }
        if (cause instanceof RejectedRequestException rejected) {
            Status.Code code =
                    switch (rejected.rejection().getKind()) {
                        case COMPACTED, FUTURE_REVISION -> Status.Code.OUT_OF_RANGE;
                        case LEASE_NOT_FOUND -> Status.Code.NOT_FOUND;
                        case CROSS_RANGE, INVALID_SPLIT -> Status.Code.FAILED_PRECONDITION;
                        case WRONG_RANGE -> Status.Code.UNAVAILABLE; // answered above, with a retry hint
                        case LEASE_EXISTS, AUTH_CONFLICT -> Status.Code.FAILED_PRECONDITION;
                        case KEY_NOT_FOUND, MALFORMED, AUTH_INVALID, UNSPECIFIED, UNRECOGNIZED ->
                            Status.Code.INVALID_ARGUMENT;
                    };
            return Status.fromCode(code).withDescription(rejected.getMessage()).asRuntimeException();
        }
        if (cause instanceof RequestFailedException failed) {
            return switch (failed.reason()) {
                case NOT_LEADER -> retryable(Code.UNAVAILABLE, NO_LEADER);
                case TIMEOUT -> retryable(Code.UNAVAILABLE, TIMED_OUT);
                case BACK_PRESSURE -> retryable(Code.RESOURCE_EXHAUSTED, TOO_MANY_REQUESTS);
                case SHUTDOWN -> retryable(Code.UNAVAILABLE, STOPPED);
                case GROUP_NOT_FOUND ->
                    retryable(Code.UNAVAILABLE, "flotilla: this node does not host the range: " + failed.getMessage());
            };
        }
        return Status.INTERNAL
                .withDescription("flotilla: " + cause)
                .withCause(cause)
                .asRuntimeException();
    }

    private StatusRuntimeException retryable(Code code, String message) {
        RetryInfo retry = RetryInfo.newBuilder()
                .setRetryDelay(Duration.newBuilder()
                        .setSeconds(retryDelayMs / 1000)
                        .setNanos((int) (retryDelayMs % 1000) * 1_000_000))
                .build();
        return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(code.getNumber())
                .setMessage(message)
                .addDetails(Any.pack(retry))
                .build());
    }
}
