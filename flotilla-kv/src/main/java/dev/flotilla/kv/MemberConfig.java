package dev.flotilla.kv;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One member of the initial cluster: its node id and the addresses other nodes and clients reach it at.
 *
 * @param id node id, positive; also the member id that the Cluster API reports
 * @param peerAddress where the other nodes send Raft messages
 * @param clientAddress where clients (etcdctl) connect
 */
public record MemberConfig(long id, InetSocketAddress peerAddress, InetSocketAddress clientAddress) {
    public MemberConfig {
        if (id < 1) {
            throw new IllegalArgumentException("id must be positive, was " + id);
        }
        Objects.requireNonNull(peerAddress, "peerAddress");
        Objects.requireNonNull(clientAddress, "clientAddress");
    }

    public String peerUrl() {
        return MemberUrls.of("http", peerAddress);
    }

    /** @param scheme {@code http}, or {@code https} when the member serves clients over TLS */
    public String clientUrl(String scheme) {
        return MemberUrls.of(scheme, clientAddress);
    }
}
