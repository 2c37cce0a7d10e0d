package dev.flotilla.snapshot.netty;

import dev.flotilla.snapshot.PinnedSnapshot;
import dev.flotilla.snapshot.SnapshotSource;
import dev.flotilla.snapshot.wire.ErrorCode;
import dev.flotilla.snapshot.wire.Frames;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transfers a sender serves, keyed by the receiver's transfer id: admission against the limit of concurrent sends,
 * pinning, and release on FINISH or when the lease expires. Thread-safe (one lock; every operation is short).
 */
final class Sessions {
    private static final Logger log = LoggerFactory.getLogger(Sessions.class);

    /** The answer to an OPEN: the session, or why not. */
    sealed interface Admission {
        record Admitted(TransferSession session) implements Admission {}

        record Refused(ErrorCode code, String message) implements Admission {}
    }

    private final SnapshotSource source;
    private final int maxConcurrentSends;
    private final long transferBytesPerSecond;
    private final long leaseNanos;
    private final Map<UUID, TransferSession> sessions = new HashMap<>();

    Sessions(SnapshotSource source, int maxConcurrentSends, long transferBytesPerSecond, long leaseNanos) {
        this.source = source;
        this.maxConcurrentSends = maxConcurrentSends;
        this.transferBytesPerSecond = transferBytesPerSecond;
        this.leaseNanos = leaseNanos;
    }

    /** Adds {@code channel} to transfer {@code transferId}, creating and pinning it unless the limit is reached. */
    synchronized Admission open(UUID transferId, String snapshotId, Channel channel) {
        TransferSession session = sessions.get(transferId);
        if (session != null) {
            if (!session.snapshotId.equals(snapshotId)) {
                return new Admission.Refused(
                        ErrorCode.BAD_REQUEST, "transfer " + transferId + " is for snapshot " + session.snapshotId);
            }
        } else {
            long connected = sessions.values().stream()
                    .filter(TransferSession::connected)
                    .count();
            if (connected >= maxConcurrentSends) {
                return new Admission.Refused(
                        ErrorCode.BUSY, "already sending " + connected + " snapshots, the limit of this node");
            }
            Optional<PinnedSnapshot> pin;
            try {
                pin = source.pin(snapshotId);
            } catch (RuntimeException e) {
                log.warn("could not pin snapshot {}", snapshotId, e);
                return new Admission.Refused(ErrorCode.IO_ERROR, "could not pin snapshot " + snapshotId + ": " + e);
            }
            if (pin.isEmpty()) {
                return new Admission.Refused(ErrorCode.NOT_FOUND, "no snapshot " + snapshotId + " here");
            }
            byte[] manifestFrame = Frames.manifest(pin.get().manifest().encode());
            session = new TransferSession(transferId, snapshotId, pin.get(), manifestFrame, transferBytesPerSecond);
            sessions.put(transferId, session);
        }
        session.attach(channel);
        session.heard();
        return new Admission.Admitted(session);
    }

    /** A connection closed; the pin stays until FINISH or the lease expires, so a restarted receiver can resume. */
    synchronized void detach(TransferSession session, Channel channel) {
        session.detach(channel);
    }

    /** The receiver is done: unpin now and close its connections. */
    synchronized void finish(TransferSession session) {
        release(session);
    }

    /** Releases every transfer not heard from within the lease. */
    synchronized void expireLeases() {
        long deadline = System.nanoTime() - leaseNanos;
        for (TransferSession session : new ArrayList<>(sessions.values())) {
            if (session.silentSince(deadline)) {
                log.info("lease of transfer {} of snapshot {} expired", session.transferId, session.snapshotId);
                release(session);
            }
        }
    }

    synchronized int pinned() {
        return sessions.size();
    }

    synchronized void releaseAll() {
        new ArrayList<>(sessions.values()).forEach(this::release);
    }

    private void release(TransferSession session) {
        if (sessions.remove(session.transferId, session)) {
            session.closeFiles();
            session.pin.close();
            List<Channel> channels = session.channels();
            channels.forEach(Channel::close);
        }
    }
}
