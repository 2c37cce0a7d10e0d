package dev.flotilla.kv;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS on the client port (config section {@code client-transport-security}, etcd's names). The same files serve the
 * node's own calls to other members' client ports (a follower forwarding a call to the leader): it trusts {@code
 * trustedCaFile} and presents {@code certFile}, so with {@code clientCertAuth} the server certificate must be signed
 * by that CA too.
 *
 * @param certFile the server's certificate chain (PEM)
 * @param keyFile its private key (PEM, PKCS#8)
 * @param trustedCaFile the CA (PEM) that signs client certificates; required with {@code clientCertAuth}
 * @param clientCertAuth whether clients must present a certificate signed by that CA (the handshake fails
 *     otherwise); with auth enabled, the certificate's CN then names the user when the client sends no token
 */
public record ClientTlsConfig(Path certFile, Path keyFile, Optional<Path> trustedCaFile, boolean clientCertAuth) {
    public ClientTlsConfig {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(trustedCaFile, "trustedCaFile");
        if (clientCertAuth && trustedCaFile.isEmpty()) {
            throw new IllegalArgumentException(
                    "clientCertAuth needs a trustedCaFile to check client certificates with");
        }
    }
}
