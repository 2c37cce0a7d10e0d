package dev.flotilla.log.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory {@link LogDirectory} that models what a disk keeps across a crash and injects the faults the log
 * engine must survive: a torn last write, the loss of everything after the last flush, a flipped bit, a full disk, a
 * failing flush.
 *
 * <p>Each file has its current content (what reads see, like the page cache) and its durable content (as of its last
 * {@link LogFile#force()}). {@link #crash(Crash)} returns the directory as a restarted machine would find it.
 * Directory operations (create, rename, delete) are durable at once: this layer does not model lost renames.
 */
public final class FaultyDirectory implements LogDirectory {
    /** What survives a crash. */
    public sealed interface Crash {
        /** The process died but the machine did not (kill -9): everything written survives. */
        record ProcessOnly() implements Crash {}

        /** Power loss: only flushed data survives. */
        record LoseUnflushed() implements Crash {}

        /** Power loss during the last write: unflushed writes before it survive, and its first {@code bytes} bytes. */
        record TearLastWrite(int bytes) implements Crash {}
    }

    private static final class Inode {
        byte[] content = new byte[0];
        byte[] durable = new byte[0];
    }

    private record Write(Inode inode, long position, byte[] bytes) {}

    private final Map<String, Inode> files = new HashMap<>();
    /** Writes not yet flushed, oldest first. */
    private final List<Write> unflushed = new ArrayList<>();

    /** Where the last write went, flushed or not. */
    public record Region(String file, long position, int length) {}

    private long capacityBytes = Long.MAX_VALUE;
    private boolean failWrites;
    private Write lastWrite;
    private boolean failForce;
    private boolean forceIsNoOp;
    private int reads;

    public synchronized void setCapacityBytes(long capacityBytes) {
        this.capacityBytes = capacityBytes;
    }

    /** Every write fails with ENOSPC after writing half its bytes, as a disk that fills up mid-write does. */
    public synchronized void failWrites(boolean fail) {
        this.failWrites = fail;
    }

    public synchronized Region lastWriteRegion() {
        String name = files.entrySet().stream()
                .filter(f -> f.getValue() == lastWrite.inode())
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow();
        return new Region(name, lastWrite.position(), lastWrite.bytes().length);
    }

    public synchronized void failForce(boolean fail) {
        this.failForce = fail;
    }

    /** A planted bug for checker tests: force() returns without making anything durable. */
    public synchronized void makeForceANoOp() {
        this.forceIsNoOp = true;
    }

    public synchronized long usedBytes() {
        return files.values().stream().mapToLong(i -> i.content.length).sum();
    }

    public synchronized int reads() {
        return reads;
    }

    /** Size of the last unflushed write, or 0 if everything is flushed. */
    public synchronized int lastWriteBytes() {
        return unflushed.isEmpty() ? 0 : unflushed.get(unflushed.size() - 1).bytes().length;
    }

    public synchronized byte[] content(String name) {
        return files.get(name).content.clone();
    }

    /** Replaces a file's content, durably (for tampering tests and hand-built files). */
    public synchronized void put(String name, byte[] content) {
        Inode inode = files.computeIfAbsent(name, n -> new Inode());
        inode.content = content.clone();
        inode.durable = content.clone();
    }

    /** Flips one bit, in both the current and the durable content. */
    public synchronized void flipBit(String name, long byteOffset, int bit) {
        Inode inode = files.get(name);
        inode.content[(int) byteOffset] ^= (byte) (1 << bit);
        if (byteOffset < inode.durable.length) {
            inode.durable[(int) byteOffset] ^= (byte) (1 << bit);
        }
    }

    /** The directory as it is after {@code crash}; this one should no longer be used. */
    public synchronized FaultyDirectory crash(Crash crash) {
        FaultyDirectory after = new FaultyDirectory();
        Map<Inode, Inode> copies = new HashMap<>();
        for (Map.Entry<String, Inode> file : files.entrySet()) {
            Inode copy = copies.computeIfAbsent(file.getValue(), i -> new Inode());
            copy.content = crash instanceof Crash.ProcessOnly
                    ? file.getValue().content.clone()
                    : file.getValue().durable.clone();
            copy.durable = copy.content.clone();
            after.files.put(file.getKey(), copy);
        }
        if (crash instanceof Crash.TearLastWrite tear && !unflushed.isEmpty()) {
            for (int i = 0; i < unflushed.size(); i++) {
                Write w = unflushed.get(i);
                Inode target = copies.get(w.inode());
                if (target == null) {
                    continue; // the file was deleted since
                }
                int length = i == unflushed.size() - 1 ? Math.min(tear.bytes(), w.bytes().length) : w.bytes().length;
                target.content = writeAt(target.content, w.position(), Arrays.copyOf(w.bytes(), length));
                target.durable = target.content.clone();
            }
        }
        after.capacityBytes = capacityBytes;
        return after;
    }

    @Override
    public synchronized List<String> list() {
        return new ArrayList<>(files.keySet());
    }

    @Override
    public synchronized LogFile open(String name, boolean create) throws IOException {
        Inode inode = files.get(name);
        if (inode == null) {
            if (!create) {
                throw new IOException("no such file: " + name);
            }
            inode = new Inode();
            files.put(name, inode);
        }
        return new FaultyFile(inode);
    }

    @Override
    public synchronized void rename(String from, String to) throws IOException {
        Inode inode = files.remove(from);
        if (inode == null) {
            throw new IOException("no such file: " + from);
        }
        files.put(to, inode);
    }

    @Override
    public synchronized void delete(String name) {
        files.remove(name);
    }

    @Override
    public void sync() {}

    private static byte[] writeAt(byte[] content, long position, byte[] bytes) {
        byte[] result = content;
        long end = position + bytes.length;
        if (end > content.length) {
            result = Arrays.copyOf(content, (int) end);
        }
        System.arraycopy(bytes, 0, result, (int) position, bytes.length);
        return result;
    }

    private final class FaultyFile implements LogFile {
        private final Inode inode;

        FaultyFile(Inode inode) {
            this.inode = inode;
        }

        @Override
        public void write(ByteBuffer src, long position) throws IOException {
            synchronized (FaultyDirectory.this) {
                byte[] bytes = new byte[src.remaining()];
                src.get(bytes);
                long growth = Math.max(0, position + bytes.length - inode.content.length);
                long room = capacityBytes - usedBytes();
                if (growth > room || failWrites) {
                    // Like a real full disk: what fits is written, then the call fails.
                    int fits =
                            failWrites ? bytes.length / 2 : (int) Math.max(0, inode.content.length + room - position);
                    if (fits > 0) {
                        byte[] part = Arrays.copyOf(bytes, fits);
                        inode.content = writeAt(inode.content, position, part);
                        unflushed.add(new Write(inode, position, part));
                    }
                    throw new IOException("No space left on device");
                }
                inode.content = writeAt(inode.content, position, bytes);
                lastWrite = new Write(inode, position, bytes);
                unflushed.add(lastWrite);
            }
        }

        @Override
        public int read(ByteBuffer dst, long position) {
            synchronized (FaultyDirectory.this) {
                reads++;
                int n = (int) Math.max(0, Math.min(dst.remaining(), inode.content.length - position));
                dst.put(inode.content, (int) position, n);
                return n;
            }
        }

        @Override
        public void force() throws IOException {
            synchronized (FaultyDirectory.this) {
                if (failForce) {
                    throw new IOException("Input/output error (injected fdatasync failure)");
                }
                if (forceIsNoOp) {
                    return;
                }
                inode.durable = inode.content.clone();
                unflushed.removeIf(w -> w.inode() == inode);
            }
        }

        @Override
        public long size() {
            synchronized (FaultyDirectory.this) {
                return inode.content.length;
            }
        }

        @Override
        public void close() {}
    }
}
