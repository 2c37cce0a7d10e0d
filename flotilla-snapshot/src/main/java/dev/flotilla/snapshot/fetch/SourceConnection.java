package dev.flotilla.snapshot.fetch;

import dev.flotilla.snapshot.InvalidManifestException;
import dev.flotilla.snapshot.SnapshotLocation;
import dev.flotilla.snapshot.SnapshotManifest;
import dev.flotilla.snapshot.SnapshotTransferException;
import dev.flotilla.snapshot.wire.Frames;
import dev.flotilla.snapshot.wire.Request;
import dev.flotilla.snapshot.wire.Response;
import dev.flotilla.snapshot.wire.ResponseReader;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.UUID;

/**
 * One TCP connection to a sender, opened for a transfer: OPEN sent and the manifest received. Blocking; used by one
 * stream thread at a time, while the {@link Watchdog} may close it from its own thread when a deadline passes.
 */
final class SourceConnection implements AutoCloseable {
    private static final ByteBuffer NO_DATA = ByteBuffer.allocate(0);
    private static final long NOT_WAITING = Long.MAX_VALUE;

    private final SnapshotLocation location;
    private final SocketChannel channel;
    private final ResponseReader reader;
    private final Watchdog watchdog;
    private byte[] encodedManifest = new byte[0];
    private volatile long deadlineNanos = NOT_WAITING;
    private long lastSentNanos = System.nanoTime();

    private SourceConnection(SnapshotLocation location, SocketChannel channel, Watchdog watchdog) {
        this.location = location;
        this.channel = channel;
        this.reader = new ResponseReader(channel);
        this.watchdog = watchdog;
    }

    /**
     * Connects, opens the transfer and reads the manifest.
     *
     * @throws SourceFailure if the sender is unreachable, silent, refuses, or sends an invalid manifest
     */
    static SourceConnection open(
            SnapshotLocation location,
            UUID transferId,
            Duration connectTimeout,
            Duration responseTimeout,
            Watchdog watchdog)
            throws SourceFailure {
        SocketChannel channel;
        try {
            channel = SocketChannel.open();
        } catch (IOException e) {
            throw new SourceFailure("cannot open a socket", e);
        }
        SourceConnection connection = new SourceConnection(location, channel, watchdog);
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.socket().connect(location.address(), (int) connectTimeout.toMillis());
            watchdog.watch(connection);
            connection.send(new Request.Open(Frames.PROTOCOL_VERSION, transferId, location.snapshotId()));
            connection.expectWithin(responseTimeout);
            Response response = connection.reader.next(NO_DATA, (file, chunk) -> -1);
            connection.idle();
            if (response instanceof Response.Manifest manifest) {
                connection.encodedManifest = manifest.encoded();
                return connection;
            }
            Response.Error error = (Response.Error) response;
            throw new SourceFailure(location + " refused: " + error.code() + " " + error.message(), null);
        } catch (IOException e) {
            connection.close();
            throw new SourceFailure("cannot open a transfer with " + location + ": " + e, e);
        } catch (SourceFailure e) {
            connection.close();
            throw e;
        }
    }

    SnapshotLocation location() {
        return location;
    }

    /** The manifest the sender offered, validated. */
    SnapshotManifest manifest() throws SourceFailure {
        try {
            return SnapshotManifest.decode(encodedManifest);
        } catch (InvalidManifestException e) {
            throw new SourceFailure(
                    SnapshotTransferException.Reason.INVALID_MANIFEST,
                    location + " offered an invalid manifest: " + e.getMessage(),
                    e);
        }
    }

    /** Whether this connection offers the same manifest, byte for byte, as another. */
    boolean sameManifest(SourceConnection other) {
        return java.util.Arrays.equals(encodedManifest, other.encodedManifest);
    }

    void send(Request request) throws IOException {
        ByteBuffer frame = ByteBuffer.wrap(Frames.encode(request));
        while (frame.hasRemaining()) {
            channel.write(frame);
        }
        lastSentNanos = System.nanoTime();
    }

    /** Reads the next response into {@code data} (for a chunk); see {@link ResponseReader#next}. */
    Response read(ByteBuffer data, ResponseReader.ChunkLengths lengths) throws IOException {
        return reader.next(data, lengths);
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    long nanosSinceLastSend() {
        return System.nanoTime() - lastSentNanos;
    }

    /** From now, the watchdog closes the connection unless {@link #idle} or this is called again within the time. */
    void expectWithin(Duration timeout) {
        deadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    /** Nothing is awaited from the sender: no deadline. */
    void idle() {
        deadlineNanos = NOT_WAITING;
    }

    boolean overdue(long nowNanos) {
        long deadline = deadlineNanos;
        return deadline != NOT_WAITING && nowNanos - deadline > 0;
    }

    @Override
    public void close() {
        watchdog.forget(this);
        try {
            channel.close();
        } catch (IOException e) {
            // Closing only releases the socket; nothing is lost if it fails.
        }
    }
}
