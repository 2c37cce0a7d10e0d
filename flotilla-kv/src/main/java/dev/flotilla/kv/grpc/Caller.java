package dev.flotilla.kv.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who sent the current call, as the transport tells it: the auth token the client attached (metadata {@code token},
 * as etcd clients send it, or {@code authorization}), the common name of its verified TLS certificate, and its
 * address. {@link #interceptor()} records it in the gRPC {@link Context} of every call, where {@link #current()}
 * finds it on the thread that runs the call's handler.
 *
 * @param remote the client's host address, for logs
 */
record Caller(Optional<String> token, Optional<String> certificateName, String remote) {
    private static final Metadata.Key<String> TOKEN = Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<Caller> KEY = Context.key("flotilla-caller");
    private static final Caller UNKNOWN = new Caller(Optional.empty(), Optional.empty(), "unknown");

    /** The caller of the call whose handler runs on this thread; an anonymous one outside any call. */
    static Caller current() {
        return Optional.ofNullable(KEY.get()).orElse(UNKNOWN);
    }

    static ServerInterceptor interceptor() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                Optional<String> token = Optional.ofNullable(headers.get(TOKEN))
                        .or(() -> Optional.ofNullable(headers.get(AUTHORIZATION)));
                Optional<String> name = Optional.ofNullable(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION))
                        .flatMap(Caller::commonName);
                SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
                // The host only: a client opens a new connection (a new port) per command, and logs count by host.
                String host = remote instanceof InetSocketAddress inet && inet.getAddress() != null
                        ? inet.getAddress().getHostAddress()
                        : String.valueOf(remote);
                Caller caller = new Caller(token, name, host);
                return Contexts.interceptCall(Context.current().withValue(KEY, caller), call, headers, next);
            }
        };
    }

    /** The CN of the client's certificate, which the TLS handshake verified against the trusted CA. */
    private static Optional<String> commonName(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate certificate)) {
                return Optional.empty();
            }
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return Optional.of(rdn.getValue().toString());
                }
            }
            return Optional.empty();
        } catch (SSLPeerUnverifiedException | InvalidNameException e) {
            return Optional.empty(); // no client certificate
        }
    }
}
