package dev.flotilla.kv.grpc;

import dev.flotilla.kv.ClientTlsConfig;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Netty TLS contexts for the etcd API from PEM files (certificates, and PKCS#8 private keys: {@code BEGIN PRIVATE
 * KEY}). Bad or missing files fail with an IOException that names the file set.
 */
public final class TlsContexts {
    private TlsContexts() {}

    /** The server side of the client port: requires a client certificate signed by the CA with client-cert-auth. */
    public static SslContext server(ClientTlsConfig tls) throws IOException {
        try {
            SslContextBuilder builder = GrpcSslContexts.forServer(
                    tls.certFile().toFile(), tls.keyFile().toFile());
            tls.trustedCaFile().ifPresent(ca -> builder.trustManager(ca.toFile()));
            builder.clientAuth(tls.clientCertAuth() ? ClientAuth.REQUIRE : ClientAuth.NONE);
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IOException(
                    "cannot use the TLS files cert-file " + tls.certFile() + ", key-file "
                            + tls.keyFile()
                            + tls.trustedCaFile()
                                    .map(ca -> ", trusted-ca-file " + ca)
                                    .orElse("")
                            + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * The client side: trusts {@code ca} (else the JDK's default CAs) and presents {@code cert} with {@code key}
     * when both are given.
     */
    public static SslContext client(Optional<Path> ca, Optional<Path> cert, Optional<Path> key) throws IOException {
        if (cert.isPresent() != key.isPresent()) {
            throw new IOException("a client certificate needs both the certificate and its key");
        }
        try {
            SslContextBuilder builder = GrpcSslContexts.forClient();
            ca.ifPresent(file -> builder.trustManager(file.toFile()));
            if (cert.isPresent()) {
                builder.keyManager(cert.get().toFile(), key.get().toFile());
            }
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IOException(
                    "cannot use the TLS files " + ca.map(f -> "ca " + f + " ").orElse("")
                            + cert.map(f -> "cert " + f + " ").orElse("")
                            + key.map(f -> "key " + f).orElse("")
                            + ": " + e.getMessage(),
                    e);
        }
    }
}
