package dev.flotilla.kv;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * Member URLs as the etcd Cluster API carries them ({@code http://host:port}); Flotilla uses the host and port only.
 */
public final class MemberUrls {
    private MemberUrls() {}

    public static String of(String scheme, InetSocketAddress address) {
        return scheme + "://" + address.getHostString() + ":" + address.getPort();
    }

    /**
     * The address of an {@code http} or {@code https} URL with a host and a port and no path; empty for anything else,
     * and for a host name that does not resolve.
     */
    public static Optional<InetSocketAddress> address(String url) {
        try {
            URI uri = new URI(url);
            boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            boolean bare = uri.getPath() == null
                    || uri.getPath().isEmpty()
                    || uri.getPath().equals("/");
            if (!web || uri.getHost() == null || uri.getPort() < 1 || !bare) {
                return Optional.empty();
            }
            InetSocketAddress address = new InetSocketAddress(uri.getHost(), uri.getPort());
            return address.isUnresolved() ? Optional.empty() : Optional.of(address);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
