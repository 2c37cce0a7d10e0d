package dev.flotilla.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP proxy on loopback for one direction between two nodes: node A dials it instead of node B. The transport sends
 * only from the dialing side after its handshake (docs/wire-protocol.md), so everything A sends to B passes here and
 * nothing B sends to A does. Cutting the link closes its connections and refuses new ones until it is healed: a cut
 * here resets connections rather than silently dropping packets, which the namespace network does.
 *
 * <p>Threads: one accepting thread and two copying threads per connection, all daemons; {@link #cut} and {@link #heal}
 * may be called from any thread.
 */
final class LinkProxy implements AutoCloseable {
    private final Link link;
    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final List<Socket> open = new ArrayList<>();
    private boolean cut;

    LinkProxy(Link link, InetSocketAddress target) throws IOException {
        this.link = link;
        this.target = target;
        this.listener = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread accepting = new Thread(this::accept, "chaos-proxy-" + link.from() + "-" + link.to());
        accepting.setDaemon(true);
        accepting.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    }

    synchronized void cut() {
        cut = true;
        open.forEach(LinkProxy::closeQuietly);
        open.clear();
    }

    synchronized void heal() {
        cut = false;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket inbound = listener.accept();
                if (!admit(inbound)) {
                    closeQuietly(inbound);
                    continue;
                }
                Socket outbound = new Socket();
                try {
                    outbound.connect(target, 1_000);
                } catch (IOException e) {
                    closeQuietly(inbound);
                    closeQuietly(outbound);
                    continue;
                }
                if (!admit(outbound)) {
                    closeQuietly(inbound);
                    closeQuietly(outbound);
                    continue;
                }
                pump(inbound, outbound);
                pump(outbound, inbound);
            } catch (IOException e) {
                // The listener closed: the proxy is done.
            }
        }
    }

    private synchronized boolean admit(Socket socket) {
        if (cut) {
            return false;
        }
        open.add(socket);
        return true;
    }

    private void pump(Socket from, Socket to) {
        Thread copying = new Thread(
                () -> {
                    byte[] buffer = new byte[64 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                            out.write(buffer, 0, n);
                        }
                    } catch (IOException e) {
                        // A cut or a node that went away: both ends close below.
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                    }
                },
                "chaos-proxy-" + link.from() + "-" + link.to() + "-copy");
        copying.setDaemon(true);
        copying.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing is all that is left to do with it.
        }
    }

    @Override
    public synchronized void close() {
        cut();
        try {
            listener.close();
        } catch (IOException e) {
            // Nothing more to release.
        }
    }
}
