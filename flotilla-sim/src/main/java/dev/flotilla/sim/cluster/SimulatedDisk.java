package dev.flotilla.sim.cluster;

import dev.flotilla.log.file.LogDirectory;
import dev.flotilla.log.file.LogFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

/**
 * One node's simulated disk: a flat directory of files in memory, with a crash model.
 *
 * <p><b>Durability.</b> Every change (a write, a creation, a rename, a deletion) is visible at once and joins an
 * ordered journal of changes not yet durable. {@code force()} and {@code sync()} return at once, as if the request had
 * been handed to the device; the journal up to that point becomes durable {@code 1..maxSyncLatencyMs} later, in order
 * (a later sync never lands before an earlier one). {@link #whenDurable} tells when everything requested so far has
 * landed: the simulated "fsync returned".
 *
 * <p><b>Crash.</b> {@link #crash} throws away everything not yet landed and leaves the durable image, except that the
 * first lost write may survive torn (a random prefix of it reached the platter). Handles opened before a crash fail.
 *
 * <p><b>Faults.</b> {@link #setFull} makes writes and creations fail with "No space left on device"; {@link #flipBit}
 * damages one bit of durable log data, which the log engine must detect on recovery. With a lying fsync (a
 * planted bug), a sync reports success, with the given probability, without making anything durable: the data stays
 * in the volatile cache until a later honest sync lands it.
 */
final class SimulatedDisk implements LogDirectory {
    /** The log engine's segment files; only their frames are worth flipping a bit in. */
    private static final String SEGMENT_SUFFIX = ".wal";
    /** A segment's file header and a frame header: flips stay between the first and before the end marker. */
    private static final int FILE_HEADER_BYTES = 32;

    private static final int FRAME_HEADER_BYTES = 24;

    private sealed interface Change {
        long seq();
    }

    private record Write(long seq, int inode, long position, byte[] bytes) implements Change {}

    private record Link(long seq, String name, int inode) implements Change {}

    private record Unlink(long seq, String name) implements Change {}

    private record Barrier(long landAt, long upToSeq) {}

    /** The names and file contents of one view of the disk (what is visible, or what is durable). */
    private static final class Image {
        final TreeMap<String, Integer> names = new TreeMap<>();
        final Map<Integer, Contents> files = new HashMap<>();
        /** Per file: end of the last multi-byte write, so bit flips land in data and not in sparse space. */
        final Map<Integer, Long> dataEnd = new HashMap<>();

        Image copy() {
            Image copy = new Image();
            copy.names.putAll(names);
            files.forEach((inode, contents) -> copy.files.put(inode, contents.copy()));
            copy.dataEnd.putAll(dataEnd);
            return copy;
        }

        void apply(Change change) {
            if (change instanceof Write w) {
                files.computeIfAbsent(w.inode(), i -> new Contents()).write(w.position(), w.bytes());
                if (w.bytes().length > 1) {
                    dataEnd.put(w.inode(), w.position() + w.bytes().length);
                }
            } else if (change instanceof Link l) {
                names.put(l.name(), l.inode());
                files.computeIfAbsent(l.inode(), i -> new Contents());
            } else if (change instanceof Unlink u) {
                names.remove(u.name());
            }
        }
    }

    /** A growable byte array. */
    private static final class Contents {
        private byte[] bytes = new byte[0];
        private int length;

        void write(long position, byte[] src) {
            int end = Math.toIntExact(position + src.length);
            if (end > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(end, bytes.length * 2));
            }
            System.arraycopy(src, 0, bytes, (int) position, src.length);
            length = Math.max(length, end);
        }

        int read(ByteBuffer dst, long position) {
            int n = (int) Math.max(0, Math.min(dst.remaining(), length - position));
            dst.put(bytes, (int) position, n);
            return n;
        }

        Contents copy() {
            Contents copy = new Contents();
            copy.bytes = Arrays.copyOf(bytes, length);
            copy.length = length;
            return copy;
        }
    }

    private final String name;
    private final EventQueue clock;
    private final Random random;
    private final int maxSyncLatencyMs;
    private final double lyingFsyncProbability;

    private Image visible = new Image();
    private Image durable = new Image();
    private final Deque<Change> notLanded = new ArrayDeque<>();
    private final Deque<Barrier> barriers = new ArrayDeque<>();
    private long nextSeq;
    private int nextInode;
    private long lastLandAt;
    private int epoch;
    private boolean full;

    /**
     * @param lyingFsyncProbability 0 for an honest disk; otherwise the planted bug: the chance that a sync drops what
     *     reports success without making anything durable
     */
    SimulatedDisk(String name, EventQueue clock, Random random, int maxSyncLatencyMs, double lyingFsyncProbability) {
        this.name = name;
        this.clock = clock;
        this.random = random;
        this.maxSyncLatencyMs = maxSyncLatencyMs;
        this.lyingFsyncProbability = lyingFsyncProbability;
    }

    @Override
    public List<String> list() {
        return new ArrayList<>(visible.names.keySet());
    }

    @Override
    public LogFile open(String file, boolean create) throws IOException {
        Integer inode = visible.names.get(file);
        if (inode == null) {
            if (!create) {
                throw new IOException(name + ": no such file " + file);
            }
            failIfFull();
            inode = nextInode++;
            change(new Link(nextSeq++, file, inode));
        }
        return new SimulatedFile(inode, epoch);
    }

    @Override
    public void rename(String from, String to) throws IOException {
        Integer inode = visible.names.get(from);
        if (inode == null) {
            throw new IOException(name + ": cannot rename missing file " + from);
        }
        change(new Link(nextSeq++, to, inode));
        change(new Unlink(nextSeq++, from));
    }

    @Override
    public void delete(String file) {
        if (visible.names.containsKey(file)) {
            change(new Unlink(nextSeq++, file));
        }
    }

    @Override
    public void sync() {
        requestDurability();
    }

    private void change(Change change) {
        visible.apply(change);
        notLanded.addLast(change);
    }

    private void failIfFull() throws IOException {
        if (full) {
            throw new IOException(name + ": No space left on device");
        }
    }

    /** An fsync request: everything changed so far lands after the sync latency. */
    private void requestDurability() {
        if (lyingFsyncProbability > 0 && random.nextDouble() < lyingFsyncProbability) {
            // Reports success without flushing: the data stays in the volatile cache until a later sync lands it,
            // and a crash before that loses it.
            return;
        }
        long landAt = Math.max(lastLandAt, clock.now() + 1 + random.nextInt(maxSyncLatencyMs));
        lastLandAt = landAt;
        Barrier barrier = new Barrier(landAt, nextSeq - 1);
        barriers.addLast(barrier);
        int at = epoch;
        clock.after(landAt - clock.now(), name + " sync lands", () -> {
            if (at == epoch) {
                land(barrier);
            }
        });
    }

    private void land(Barrier barrier) {
        barriers.remove(barrier);
        while (!notLanded.isEmpty() && notLanded.peekFirst().seq() <= barrier.upToSeq()) {
            durable.apply(notLanded.removeFirst());
        }
    }

    /** Runs {@code action} once everything requested durable so far has landed; never after a crash. */
    void whenDurable(String label, Runnable action) {
        int at = epoch;
        clock.after(Math.max(0, lastLandAt - clock.now()), label, () -> {
            if (at == epoch) {
                action.run();
            }
        });
    }

    /**
     * Power loss: only what landed survives, and with {@code tear} the first lost write may survive in part.
     *
     * @return a description of the torn write, if one was left
     */
    Optional<String> crash(boolean tear) {
        epoch++;
        Optional<String> torn = Optional.empty();
        Change first = notLanded.peekFirst();
        if (tear && first instanceof Write w && w.bytes().length > 1) {
            int kept = 1 + random.nextInt(w.bytes().length - 1);
            durable.apply(new Write(w.seq(), w.inode(), w.position(), Arrays.copyOf(w.bytes(), kept)));
            torn = Optional.of(kept + " of " + w.bytes().length + " bytes at " + w.position());
        }
        notLanded.clear();
        barriers.clear();
        lastLandAt = clock.now();
        visible = durable.copy();
        return torn;
    }

    /** Flips one bit in the durable frames of a log segment, if there are any; says where. */
    Optional<String> flipBit() {
        List<String> candidates = new ArrayList<>();
        for (Map.Entry<String, Integer> file : durable.names.entrySet()) {
            long end = durable.dataEnd.getOrDefault(file.getValue(), 0L) - FRAME_HEADER_BYTES;
            if (file.getKey().endsWith(SEGMENT_SUFFIX) && end > FILE_HEADER_BYTES) {
                candidates.add(file.getKey());
            }
        }
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        String file = candidates.get(random.nextInt(candidates.size()));
        int inode = durable.names.get(file);
        long end = durable.dataEnd.get(inode) - FRAME_HEADER_BYTES;
        long offset = FILE_HEADER_BYTES + (long) (random.nextDouble() * (end - FILE_HEADER_BYTES));
        int bit = random.nextInt(8);
        Contents contents = durable.files.get(inode);
        contents.bytes[(int) offset] ^= (byte) (1 << bit);
        visible = durable.copy();
        return Optional.of(file + " byte " + offset + " bit " + bit);
    }

    void setFull(boolean value) {
        full = value;
    }

    private final class SimulatedFile implements LogFile {
        private final int inode;
        private final int openedInEpoch;

        SimulatedFile(int inode, int openedInEpoch) {
            this.inode = inode;
            this.openedInEpoch = openedInEpoch;
        }

        private void checkAlive() throws IOException {
            if (openedInEpoch != epoch) {
                throw new IOException(name + ": the file was opened before a crash");
            }
        }

        @Override
        public void write(ByteBuffer src, long position) throws IOException {
            checkAlive();
            failIfFull();
            byte[] bytes = new byte[src.remaining()];
            src.get(bytes);
            change(new Write(nextSeq++, inode, position, bytes));
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            checkAlive();
            Contents contents = visible.files.get(inode);
            return contents == null ? 0 : contents.read(dst, position);
        }

        @Override
        public void force() throws IOException {
            checkAlive();
            requestDurability();
        }

        @Override
        public long size() throws IOException {
            checkAlive();
            Contents contents = visible.files.get(inode);
            return contents == null ? 0 : contents.length;
        }

        @Override
        public void close() {}
    }
}
