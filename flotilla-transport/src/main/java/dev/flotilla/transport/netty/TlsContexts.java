package dev.flotilla.transport.netty;

import dev.flotilla.transport.TlsConfig;
import dev.flotilla.transport.TransportException;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;

/** Builds the TLS contexts of mutual TLS from the PEM files of a {@link TlsConfig}. */
record TlsContexts(SslContext server, SslContext client) {

    static TlsContexts load(TlsConfig tls) {
        try {
            SslContext server = SslContextBuilder.forServer(
                            tls.certificateChainPem().toFile(),
                            tls.privateKeyPem().toFile())
                    .sslProvider(SslProvider.JDK)
                    .trustManager(tls.caCertificatePem().toFile())
                    .clientAuth(ClientAuth.REQUIRE)
                    .build();
            // Nodes are identified by the CA signature and the node id of the handshake, not by host names: peers
            // are often dialed by IP address, which node certificates need not name.
            SslContext client = SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .keyManager(
                            tls.certificateChainPem().toFile(),
                            tls.privateKeyPem().toFile())
                    .trustManager(tls.caCertificatePem().toFile())
                    .endpointIdentificationAlgorithm(null)
                    .build();
            return new TlsContexts(server, client);
        } catch (IOException | IllegalArgumentException e) {
            throw new TransportException("cannot load the TLS files " + tls, e);
        }
    }
}
