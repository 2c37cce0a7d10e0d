package dev.flotilla.snapshot.netty;

import dev.flotilla.snapshot.PinnedSnapshot;
import dev.flotilla.snapshot.flow.Bandwidth;
import io.netty.channel.Channel;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One transfer as the sender sees it: the receiver's transfer id, the pinned snapshot, the connections (streams) it
 * uses, its own bandwidth, and when the receiver was last heard from. Guarded by {@link Sessions}' lock, except the
 * activity time, which any I/O thread refreshes.
 */
final class TransferSession {
    final UUID transferId;
    final String snapshotId;
    final PinnedSnapshot pin;
    final byte[] manifestFrame;
    final Bandwidth bandwidth;
    private final Set<Channel> channels = new HashSet<>();
    private final FileChannel[] files;
    private volatile long lastHeardNanos = System.nanoTime();

    TransferSession(UUID transferId, String snapshotId, PinnedSnapshot pin, byte[] manifestFrame, long bytesPerSecond) {
        this.transferId = transferId;
        this.snapshotId = snapshotId;
        this.pin = pin;
        this.manifestFrame = manifestFrame;
        this.bandwidth = new Bandwidth(bytesPerSecond);
        this.files = new FileChannel[pin.manifest().files().size()];
    }

    /** The open file of manifest file {@code index}, opened on first use and kept until {@link #closeFiles}. */
    synchronized FileChannel file(int index) throws IOException {
        if (files[index] == null) {
            files[index] = FileChannel.open(pin.file(index), StandardOpenOption.READ);
        }
        return files[index];
    }

    synchronized void closeFiles() {
        for (int i = 0; i < files.length; i++) {
            if (files[i] != null) {
                try {
                    files[i].close();
                } catch (IOException e) {
                    // A read-only file: nothing is lost if closing fails.
                }
                files[i] = null;
            }
        }
    }

    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    boolean silentSince(long nanos) {
        return lastHeardNanos - nanos < 0;
    }

    void attach(Channel channel) {
        channels.add(channel);
    }

    void detach(Channel channel) {
        channels.remove(channel);
    }

    boolean connected() {
        return !channels.isEmpty();
    }

    List<Channel> channels() {
        return List.copyOf(channels);
    }
}
