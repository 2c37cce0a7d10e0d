package dev.flotilla.runtime.impl;

import dev.flotilla.snapshot.SnapshotFile;
import java.net.InetSocketAddress;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The handle of a file snapshot in a {@link dev.flotilla.raft.SnapshotMeta}: where its files are, instead of the data
 * (docs/runtime.md, "File snapshots", has the byte layout). A leader sends a {@link Remote} handle; a follower persists
 * a {@link Local} one in its log marker once the files are fetched and verified.
 */
sealed interface SnapshotHandle {
    /** "FSNH": tells a handle apart from the bytes of a full copy. */
    int MAGIC = 0x46534E48;

    byte VERSION = 1;

    /** Snapshot {@code snapshotId} on the snapshot server at {@code host:port}. */
    record Remote(String host, int port, String snapshotId) implements SnapshotHandle {
        public Remote {
            SnapshotFile.checkName(snapshotId);
            if (host.isEmpty() || host.length() > 255 || port < 1 || port > 65535) {
                throw new IllegalArgumentException("bad snapshot server address " + host + ":" + port);
            }
        }

        InetSocketAddress address() {
            return new InetSocketAddress(host, port);
        }
    }

    /** The verified directory {@code name} in this node's {@code in/<group>/} directory. */
    record Local(String directoryName) implements SnapshotHandle {
        public Local {
            SnapshotFile.checkName(directoryName);
        }
    }

    default byte[] encode() {
        byte[][] parts = this instanceof Remote r
                ? new byte[][] {ascii(r.host()), ascii(r.snapshotId())}
                : new byte[][] {ascii(((Local) this).directoryName())};
        ByteBuffer out = ByteBuffer.allocate(6 + 2 + parts[0].length + (parts.length > 1 ? 4 + parts[1].length : 0));
        out.putInt(MAGIC).put(VERSION).put((byte) (this instanceof Remote ? 1 : 2));
        out.putShort((short) parts[0].length).put(parts[0]);
        if (this instanceof Remote r) {
            out.putShort((short) r.port()).putShort((short) parts[1].length).put(parts[1]);
        }
        return out.array();
    }

    /**
     * The handle in {@code bytes}, or empty if they are not one (a marker without data, or a full copy).
     *
     * @throws IllegalArgumentException if the bytes start like a handle but are not a valid one of this version
     */
    static Optional<SnapshotHandle> decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (bytes.length < 6 || in.getInt() != MAGIC) {
            return Optional.empty();
        }
        try {
            byte version = in.get();
            if (version != VERSION) {
                throw new IllegalArgumentException("snapshot handle version " + version + " is not supported");
            }
            byte kind = in.get();
            String first = string(in);
            SnapshotHandle handle =
                    switch (kind) {
                        case 1 -> new Remote(first, Short.toUnsignedInt(in.getShort()), string(in));
                        case 2 -> new Local(first);
                        default -> throw new IllegalArgumentException("unknown snapshot handle kind " + kind);
                    };
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("snapshot handle has " + in.remaining() + " trailing bytes");
            }
            return Optional.of(handle);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated snapshot handle", e);
        }
    }

    private static String string(ByteBuffer in) {
        byte[] bytes = new byte[Short.toUnsignedInt(in.getShort())];
        in.get(bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static byte[] ascii(String value) {
        return value.getBytes(StandardCharsets.US_ASCII);
    }
}
