package dev.flotilla.transport;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Mutual TLS between nodes. Both ends present a certificate and accept only a peer whose certificate chain is signed
 * by the cluster CA. Any certificate the CA signed is accepted for any member node id: the CA must sign only the
 * cluster's nodes.
 *
 * @param caCertificatePem the cluster CA certificate(s), PEM
 * @param certificateChainPem this node's certificate (and intermediates), PEM
 * @param privateKeyPem this node's private key, unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY})
 */
public record TlsConfig(Path caCertificatePem, Path certificateChainPem, Path privateKeyPem) {
    public TlsConfig {
        Objects.requireNonNull(caCertificatePem, "caCertificatePem");
        Objects.requireNonNull(certificateChainPem, "certificateChainPem");
        Objects.requireNonNull(privateKeyPem, "privateKeyPem");
    }
}
