package dev.flotilla.transport.netty;

import io.netty.channel.ChannelFuture;
import java.net.InetSocketAddress;

/** Opens an outbound connection to a peer, with the pipeline that reports back to its link. */
@FunctionalInterface
interface PeerDialer {
    ChannelFuture dial(InetSocketAddress address, PeerLink link);
}
