package dev.flotilla.sim.raft;

import dev.flotilla.raft.Entry;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.Message;
import dev.flotilla.raft.RaftConfig;
import dev.flotilla.raft.RaftReplica;
import dev.flotilla.raft.Ready;
import java.util.function.Consumer;

/** One simulated node: the real replica, its disk, and the tiny state machine that records what it applied. */
final class SimNode {
    final long id;
    private final RaftConfig config;
    final SimDisk disk;
    RaftReplica replica;
    boolean up = true;
    /** Index of the last entry the state machine applied (or the snapshot it restored). */
    long lastApplied;

    SimNode(long id, RaftConfig config, Membership membership, PlantedBug bug) {
        this.id = id;
        this.config = config;
        this.disk = new SimDisk(membership, bug);
        this.replica = RaftReplica.create(config, disk.visible());
    }

    /** What the state machine did while Readies were carried out. */
    interface ReadyListener {
        void termSeen(long term);

        void applied(SimNode node, long previousApplied, Entry entry);

        void snapshotInstalled(SimNode node, long index, long term);
    }

    /**
     * Carries out every pending Ready as the contract says. With {@code crashBeforePersist} the node dies after sending
     * the Ready's early messages and before its writes: the contract says that must be safe. Returns false if the node
     * crashed.
     */
    boolean processReadies(Consumer<Message> send, ReadyListener listener, boolean crashBeforePersist) {
        while (up && replica.hasReady()) {
            Ready ready = replica.ready();
            ready.hardState().ifPresent(hs -> listener.termSeen(hs.term()));
            ready.messages().forEach(send);
            if (crashBeforePersist && ready.mustPersist()) {
                crash();
                return false;
            }
            disk.persist(ready);
            ready.messagesAfterPersist().forEach(send);
            ready.snapshot().ifPresent(s -> {
                lastApplied = s.index();
                listener.snapshotInstalled(this, s.index(), s.term());
            });
            for (Entry e : ready.committedEntries()) {
                long previous = lastApplied;
                lastApplied = e.index();
                listener.applied(this, previous, e);
            }
            replica.advance(ready);
        }
        return true;
    }

    void crash() {
        up = false;
        replica = null;
    }

    void restart() {
        var storage = disk.crashAndRecover();
        replica = RaftReplica.create(config, storage);
        lastApplied = storage.snapshot().index();
        up = true;
    }

    /** The application made its state durable up to what it applied and lets the log go. */
    void compact() {
        long firstIndex = disk.visible().firstIndex();
        if (lastApplied >= firstIndex) {
            disk.compact(lastApplied, replica.status().membership());
        }
    }
}
