package dev.flotilla.snapshot;

import dev.flotilla.snapshot.wire.Frames;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy between a receiver and a sender that understands the snapshot frames and, with a seeded probability per
 * CHUNK frame, drops it, corrupts a byte of its data, truncates it and closes the connection, or delivers it after the
 * next frame. Requests pass unchanged.
 */
final class FaultyProxy implements AutoCloseable {
    enum Fault {
        DROP,
        CORRUPT,
        TRUNCATE,
        REORDER
    }

    private static final long REORDER_WAIT_MILLIS = 100;

    private final InetSocketAddress upstream;
    private final List<Fault> faults;
    private final double probability;
    private final Random random;
    private final ServerSocket listener;
    private final Map<Fault, AtomicInteger> injected = new EnumMap<>(Fault.class);
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    FaultyProxy(InetSocketAddress upstream, List<Fault> faults, double probability, long seed) throws IOException {
        this.upstream = upstream;
        this.faults = List.copyOf(faults);
        this.probability = probability;
        this.random = new Random(seed);
        for (Fault fault : Fault.values()) {
            injected.put(fault, new AtomicInteger());
        }
        this.listener = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "faulty-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    int injected(Fault fault) {
        return injected.get(fault).get();
    }

    int injectedTotal() {
        return injected.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(upstream.getAddress(), upstream.getPort());
                sockets.add(client);
                sockets.add(server);
                start("faulty-proxy-up", () -> pipe(client.getInputStream(), server.getOutputStream(), client, server));
                start("faulty-proxy-down", () -> relayFrames(server, client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void pipe(InputStream in, OutputStream out, Socket a, Socket b) throws IOException {
        try {
            in.transferTo(out);
        } finally {
            a.close();
            b.close();
        }
    }

    private void relayFrames(Socket server, Socket client) throws IOException {
        try {
            InputStream raw = new BufferedInputStream(server.getInputStream(), 1 << 16);
            DataInputStream in = new DataInputStream(raw);
            OutputStream out = client.getOutputStream();
            while (true) {
                byte[] frame = readFrame(in);
                Fault fault = frame[4] == Frames.CHUNK ? pick() : null;
                if (fault == null) {
                    out.write(frame);
                    continue;
                }
                injected.get(fault).incrementAndGet();
                switch (fault) {
                    case DROP -> {}
                    case CORRUPT -> {
                        if (frame.length > Frames.CHUNK_HEADER_BYTES) {
                            int at = Frames.CHUNK_HEADER_BYTES
                                    + random.nextInt(frame.length - Frames.CHUNK_HEADER_BYTES);
                            frame[at] ^= (byte) (1 + random.nextInt(255));
                        } else {
                            frame[Frames.CHUNK_HEADER_BYTES - 1] ^= 1;
                        }
                        out.write(frame);
                    }
                    case TRUNCATE -> {
                        out.write(frame, 0, random.nextInt(frame.length));
                        out.flush();
                        return;
                    }
                    case REORDER -> {
                        if (nextFrameArrives(raw)) {
                            out.write(readFrame(in));
                        }
                        out.write(frame);
                    }
                }
            }
        } finally {
            server.close();
            client.close();
        }
    }

    private synchronized Fault pick() {
        return random.nextDouble() < probability ? faults.get(random.nextInt(faults.size())) : null;
    }

    private static boolean nextFrameArrives(InputStream in) throws IOException {
        long deadline = System.nanoTime() + REORDER_WAIT_MILLIS * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (in.available() >= 5) {
                return true;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private static byte[] readFrame(DataInputStream in) throws IOException {
        int length = in.readInt();
        byte[] frame = new byte[4 + length];
        ByteBuffer.wrap(frame).putInt(length);
        in.readFully(frame, 4, length);
        return frame;
    }

    private interface IoTask {
        void run() throws IOException;
    }

    private static void start(String name, IoTask task) {
        Thread thread = new Thread(
                () -> {
                    try {
                        task.run();
                    } catch (IOException e) {
                        // A closed connection ends the relay.
                    }
                },
                name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
