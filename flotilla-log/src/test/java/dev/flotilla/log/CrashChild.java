package dev.flotilla.log;

import dev.flotilla.raft.Entry;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.SnapshotMeta;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * The process {@link RealCrashTest} kills. It appends synced batches for ever, a few in flight, and reports on stdout
 * each batch it sends ({@code SEND}) and each one acknowledged ({@code ACK}), in order, so that the parent can rebuild
 * every batch bit for bit: entry data is a function of (group, index, term).
 *
 * <p>Arguments: directory, run number (used as the term of new entries), seed, and {@code ack-early} to plant a bug
 * (report the acknowledgement before the batch is even appended).
 */
public final class CrashChild {
    static final int GROUPS = 12;
    static final int IN_FLIGHT = 6;

    private CrashChild() {}

    static LogEngineConfig config(Path dir) {
        return LogEngineConfig.defaults(dir)
                .withSegmentSizeBytes(256 * 1024)
                .withRewrite(1.5, 4 * 256 * 1024, 64 * 1024);
    }

    /** The data of entry {@code index} of {@code group} written in term {@code term}. */
    static byte[] data(long group, long index, long term) {
        Random random = new Random(group * 1_000_003L + index * 7919L + term * 104_729L);
        byte[] data = new byte[16 + random.nextInt(300)];
        random.nextBytes(data);
        return data;
    }

    /** One group's part of a batch, as reported on a SEND line. */
    record Part(long group, long snapshotIndex, long snapshotTerm, long firstIndex, int count, long term) {
        GroupWrite toWrite() {
            Optional<SnapshotMeta> snapshot = snapshotIndex < 0
                    ? Optional.empty()
                    : Optional.of(new SnapshotMeta(
                            snapshotIndex, snapshotTerm, Membership.ofVoters(Set.of(1L)), new byte[0]));
            List<Entry> entries = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                entries.add(Entry.normal(firstIndex + i, term, data(group, firstIndex + i, term)));
            }
            return new GroupWrite(group, snapshot, OptionalLong.empty(), entries, Optional.empty());
        }

        String encode() {
            return group + " " + snapshotIndex + " " + snapshotTerm + " " + firstIndex + " " + count + " " + term;
        }

        static Part decode(String[] f, int at) {
            return new Part(
                    Long.parseLong(f[at]),
                    Long.parseLong(f[at + 1]),
                    Long.parseLong(f[at + 2]),
                    Long.parseLong(f[at + 3]),
                    Integer.parseInt(f[at + 4]),
                    Long.parseLong(f[at + 5]));
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long term = Long.parseLong(args[1]);
        Random random = new Random(Long.parseLong(args[2]));
        boolean ackEarly = args.length > 3 && args[3].equals("ack-early");
        // stdout carries only the protocol: anything else (logging) goes to stderr, or it could split a line.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
        System.setOut(System.err);
        LogEngine engine = LogEngine.open(config(dir));
        LogModel sent = new LogModel(); // what the log holds once everything sent applies
        for (long g = 0; g < GROUPS; g++) {
            sent.adopt(g, engine.group(g));
        }
        out.println("READY");
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        for (long k = 0; ; k++) {
            List<Part> parts = new ArrayList<>();
            int groups = 1 + random.nextInt(3);
            LogModel shadow = sent.copy();
            for (int i = 0; i < groups; i++) {
                long g = random.nextInt(GROUPS);
                Part part = nextPart(random, shadow, g, term);
                parts.add(part);
                shadow.apply(LogBatch.of(part.toWrite()));
            }
            List<GroupWrite> writes = parts.stream().map(Part::toWrite).toList();
            LogBatch batch = new LogBatch(writes);
            StringBuilder line = new StringBuilder("SEND " + k + " " + parts.size());
            parts.forEach(p -> line.append(' ').append(p.encode()));
            inFlight.acquire();
            synchronized (out) {
                out.println(line);
                if (ackEarly) {
                    out.println("ACK " + k);
                }
            }
            sent.apply(batch);
            long batchNumber = k;
            engine.append(batch).whenComplete((ok, error) -> {
                synchronized (out) {
                    if (error != null) {
                        out.println("FAILED " + batchNumber + " " + error);
                    } else if (!ackEarly) {
                        out.println("ACK " + batchNumber);
                    }
                }
                inFlight.release();
            });
        }
    }

    private static Part nextPart(Random random, LogModel model, long g, long term) {
        long first = model.firstIndex(g);
        long last = model.lastIndex(g);
        long snapshotIndex = -1;
        long snapshotTerm = 0;
        if (last - first > 40 && random.nextInt(8) == 0) {
            snapshotIndex = last - 20;
            snapshotTerm = model.term(g, snapshotIndex);
            first = snapshotIndex + 1;
        }
        long from = last >= first && random.nextInt(10) == 0 ? Math.max(first, last - 2) : last + 1;
        return new Part(g, snapshotIndex, snapshotTerm, from, 1 + random.nextInt(4), term);
    }
}
