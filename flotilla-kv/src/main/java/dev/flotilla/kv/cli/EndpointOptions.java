package dev.flotilla.kv.cli;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The endpoints a client command talks to over the etcd v3 gRPC API (Flotilla or etcd alike), and how long it waits
 * for each call, over TLS with {@code --cacert/--cert/--key} ({@link ClientTlsOptions}). A picocli mixin shared by
 * {@code flotilla member} and {@code flotilla status}.
 */
final class EndpointOptions {
    @Option(
            names = "--endpoints",
            split = ",",
            defaultValue = "127.0.0.1:2379",
            description = "client endpoints, host:port, comma-separated (default: ${DEFAULT-VALUE})")
    List<String> endpoints;

    @Option(
            names = "--command-timeout-ms",
            defaultValue = "5000",
            description = "how long to wait for each call, in milliseconds (default: ${DEFAULT-VALUE})")
    long timeoutMs;

    @Mixin
    ClientTlsOptions tls = new ClientTlsOptions();

    /** A call failed on every endpoint; the message says what happened on each. */
    static final class UnreachableException extends Exception {
        UnreachableException(String message) {
            super(message);
        }
    }

    /**
     * Runs {@code call} on the first endpoint that answers: an endpoint that cannot be reached (UNAVAILABLE,
     * DEADLINE_EXCEEDED) is skipped; any other error is the server's answer and is thrown as it is.
     */
    <T> T callAny(Function<ManagedChannel, T> call) throws UnreachableException {
        List<String> failures = new ArrayList<>();
        for (String endpoint : endpoints) {
            try {
                return callOne(endpoint, call);
            } catch (StatusRuntimeException e) {
                if (!unreachable(e)) {
                    throw e;
                }
                failures.add(describe(endpoint, e));
            }
        }
        throw new UnreachableException("no endpoint answered: " + String.join("; ", failures));
    }

    /** Runs {@code call} against one endpoint, with a channel that lives for this call only. */
    <T> T callOne(String endpoint, Function<ManagedChannel, T> call) {
        ManagedChannel channel = tls.channel(endpoint).build();
        try {
            return call.apply(channel);
        } finally {
            channel.shutdownNow();
        }
    }

    /** Whether the failure means the endpoint was not reached, rather than that it refused the call. */
    static boolean unreachable(StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        return (code == Status.Code.UNAVAILABLE && !isEtcdMessage(e)) || code == Status.Code.DEADLINE_EXCEEDED;
    }

    private static boolean isEtcdMessage(StatusRuntimeException e) {
        String description = e.getStatus().getDescription();
        return description != null && description.startsWith("etcdserver:");
    }

    /** One line on what went wrong with an endpoint, for the user. */
    static String describe(String endpoint, StatusRuntimeException e) {
        String detail = e.getStatus().getDescription() != null
                ? e.getStatus().getDescription()
                : e.getStatus().getCode().toString();
        if (e.getStatus().getCode() == Status.Code.UNAVAILABLE && e.getStatus().getCause() != null) {
            detail = e.getStatus().getCause().getMessage();
        }
        return endpoint + ": " + detail;
    }

    /** {@code stub} with this command's deadline, counted from now. */
    <S extends AbstractStub<S>> S withDeadline(S stub) {
        return stub.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS);
    }
}
