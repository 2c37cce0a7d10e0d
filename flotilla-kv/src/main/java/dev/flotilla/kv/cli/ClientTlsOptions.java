package dev.flotilla.kv.cli;

import dev.flotilla.kv.grpc.TlsContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * TLS towards etcd API endpoints, with etcdctl's option names: a picocli mixin of the commands that call a cluster
 * ({@code flotilla member}, {@code flotilla status}, {@code flotilla bench kv}). Without any of the options, channels
 * are plain text; with {@code --cacert} (or a client certificate), TLS, verifying the server against the CA.
 */
public final class ClientTlsOptions {
    @Option(names = "--cacert", description = "verify the servers' certificates with this CA (PEM); turns TLS on")
    Optional<Path> caCert = Optional.empty();

    @Option(names = "--cert", description = "client certificate (PEM) to present; needs --key")
    Optional<Path> cert = Optional.empty();

    @Option(names = "--key", description = "the client certificate's private key (PEM, PKCS#8)")
    Optional<Path> key = Optional.empty();

    private Optional<SslContext> context;

    /** A channel builder for {@code endpoint} ({@code host:port}), over TLS if any option was given. */
    public NettyChannelBuilder channel(String endpoint) {
        NettyChannelBuilder builder = NettyChannelBuilder.forTarget(endpoint);
        Optional<SslContext> tls = context();
        if (tls.isPresent()) {
            builder.sslContext(tls.get());
        } else {
            builder.usePlaintext();
        }
        return builder;
    }

    private synchronized Optional<SslContext> context() {
        if (context == null) {
            boolean on = caCert.isPresent() || cert.isPresent() || key.isPresent();
            try {
                context = on ? Optional.of(TlsContexts.client(caCert, cert, key)) : Optional.empty();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return context;
    }
}
