package dev.flotilla.kv.watch;

import dev.flotilla.kv.KeySpan;
import dev.flotilla.kv.etcd.mvccpb.Event;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The changes of one range as this node applies them, for the watchers on this node. Every replica has its own hub,
 * fed by its own applies, so a watch on a follower sees the changes as that follower applies them.
 *
 * <p><b>Threads.</b> {@link #publish} and {@link #compacted} are called by the range's state machine on the Raft
 * driver thread, after the changes are written to RocksDB, in revision order without gaps. They only append to a
 * bounded buffer of recent revisions and call the wake-ups, which must not block: the apply loop never waits for a
 * watcher. Watchers read on their own threads with {@link #read}: recent revisions come from the buffer, older ones
 * from the stored {@link History}.
 *
 * <p>A watcher costs the hub nothing but its wake-up: the buffer is shared, and each watcher keeps only its position.
 */
public final class WatchHub {
    /** Most revisions one {@link #read} covers, so that one watcher's catch-up does not hold the others back. */
    static final int MAX_REVISIONS_PER_READ = 1024;

    private final History history;
    private final int maxRevisions;
    private final long maxBytes;
    private final List<Runnable> wakeUps = new CopyOnWriteArrayList<>();

    private final RevisionEvents[] buffer;
    private long firstBuffered;
    private long revision;
    private long compactRevision;
    private long bufferedBytes;
    /** The keys the range still owns; empty until it is split (or restored from a split range's snapshot). */
    private volatile Optional<KeySpan> owned = Optional.empty();

    /**
     * @param revision the range's revision when the hub starts (what is already applied and stored)
     * @param compactRevision the range's compact revision then
     * @param maxRevisions most revisions the buffer keeps
     * @param maxBytes most bytes (roughly) the buffer keeps; the newest revision is kept whatever its size
     */
    public WatchHub(History history, long revision, long compactRevision, int maxRevisions, long maxBytes) {
        if (maxRevisions < 1) {
            throw new IllegalArgumentException("maxRevisions must be positive, was " + maxRevisions);
        }
        this.history = history;
        this.maxRevisions = maxRevisions;
        this.maxBytes = maxBytes;
        this.buffer = new RevisionEvents[maxRevisions];
        this.revision = revision;
        this.firstBuffered = revision + 1;
        this.compactRevision = compactRevision;
    }

    /** Adds applied revisions, which must follow the last published one without a gap. Driver thread only. */
    public void publish(List<RevisionEvents> revisions) {
        if (revisions.isEmpty()) {
            return;
        }
        synchronized (this) {
            for (RevisionEvents next : revisions) {
                if (next.revision() != revision + 1) {
                    throw new IllegalStateException(
                            "revision " + next.revision() + " published after " + revision + ": a gap or a repeat");
                }
                if (revision + 1 - firstBuffered == maxRevisions) {
                    evictOldest();
                }
                buffer[slot(next.revision())] = next;
                bufferedBytes += next.sizeBytes();
                revision = next.revision();
                while (bufferedBytes > maxBytes && firstBuffered < revision) {
                    evictOldest();
                }
            }
        }
        wakeUps.forEach(Runnable::run);
    }

    /** Records a compaction: watchers below {@code compactRevision} are told their history is gone. */
    public synchronized void compacted(long compactRevision) {
        this.compactRevision = Math.max(this.compactRevision, compactRevision);
    }

    /**
     * The range's state was replaced by a snapshot at {@code revision}: the buffered revisions no longer connect to
     * it, so they are dropped, and watchers read whatever they miss from the stored history. Driver thread only.
     */
    public void restored(long revision, long compactRevision) {
        synchronized (this) {
            Arrays.fill(buffer, null);
            bufferedBytes = 0;
            this.revision = revision;
            this.firstBuffered = revision + 1;
            this.compactRevision = Math.max(this.compactRevision, compactRevision);
        }
        wakeUps.forEach(Runnable::run);
    }

    /**
     * The range now owns only {@code span} (it was split): watchers of keys beyond it are woken to learn that they
     * must watch the new range instead. Driver thread only.
     */
    public void shrunk(KeySpan span) {
        owned = Optional.of(span);
        wakeUps.forEach(Runnable::run);
    }

    /** Whether the range still owns every key of {@code span}, so a watcher of it sees all of its changes here. */
    public boolean owns(KeySpan span) {
        return owned.map(o -> o.encloses(span)).orElse(true);
    }

    private void evictOldest() {
        int slot = slot(firstBuffered);
        bufferedBytes -= buffer[slot].sizeBytes();
        buffer[slot] = null;
        firstBuffered++;
    }

    private int slot(long revision) {
        return (int) Math.floorMod(revision, (long) maxRevisions);
    }

    /** The last revision published. */
    public synchronized long revision() {
        return revision;
    }

    /**
     * The events of {@code span} from revision {@code from} on, as far as this node has applied (in bounded steps:
     * call again from {@code throughRevision + 1}). Any thread.
     */
    public Delivery read(KeySpan span, long from) {
        List<RevisionEvents> recent = new ArrayList<>();
        long through;
        synchronized (this) {
            if (from > revision) {
                return new Delivery.Events(List.of(), from - 1);
            }
            if (from < compactRevision) {
                return new Delivery.Compacted(compactRevision);
            }
            through = Math.min(from < firstBuffered ? firstBuffered - 1 : revision, from + MAX_REVISIONS_PER_READ - 1);
            for (long r = Math.max(from, firstBuffered); r <= through; r++) {
                recent.add(buffer[slot(r)]);
            }
        }
        if (recent.isEmpty()) {
            // Gone from the buffer: read back from RocksDB, outside the lock.
            return history.read(span, from, through);
        }
        List<Event> matching = new ArrayList<>();
        for (RevisionEvents changes : recent) {
            for (Event event : changes.events()) {
                if (span.contains(event.getKv().getKey())) {
                    matching.add(event);
                }
            }
        }
        return new Delivery.Events(matching, through);
    }

    /**
     * Calls {@code wakeUp} after every publish until the returned handle is closed. {@code wakeUp} runs on the Raft
     * driver thread, so it must only hand work to another thread.
     */
    public Subscription subscribe(Runnable wakeUp) {
        wakeUps.add(wakeUp);
        return () -> wakeUps.remove(wakeUp);
    }

    /** Ends a {@link #subscribe subscription}. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
