package dev.flotilla.sim.raft;

import dev.flotilla.raft.Entry;
import dev.flotilla.raft.HardState;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.MemoryLogStorage;
import dev.flotilla.raft.Ready;
import java.util.ArrayList;
import java.util.List;

/**
 * One node's disk. {@link #visible()} is what the running replica reads (everything acknowledged); {@link #durable}
 * is what survives a crash. A correct disk makes a write durable before acknowledging it, so the two are the same;
 * the planted storage bugs make them differ.
 */
final class SimDisk {
    static final int LYING_FLUSH_INTERVAL_TICKS = 25;

    private final PlantedBug bug;
    private MemoryLogStorage visible;
    private final MemoryLogStorage durable;
    /** With {@link PlantedBug#ACK_BEFORE_DURABLE}: entry batches acknowledged but not yet durable. */
    private final List<List<Entry>> unflushed = new ArrayList<>();

    SimDisk(Membership membership, PlantedBug bug) {
        this.bug = bug;
        this.durable = new MemoryLogStorage(membership);
        this.visible = durable;
        if (bug == PlantedBug.ACK_BEFORE_DURABLE) {
            this.visible = MemoryLogStorage.copyOf(durable);
        }
    }

    MemoryLogStorage visible() {
        return visible;
    }

    /** Writes a Ready's snapshot, entries and hard state, in the contract's order. */
    void persist(Ready ready) {
        if (visible == durable) {
            durable.persist(ready);
            return;
        }
        visible.persist(ready);
        ready.snapshot().ifPresent(s -> {
            flush();
            durable.installSnapshot(s);
        });
        if (!ready.entries().isEmpty()) {
            unflushed.add(ready.entries());
        }
        ready.hardState().ifPresent(durable::setHardState);
    }

    /** Called every tick: the lying disk flushes only every {@link #LYING_FLUSH_INTERVAL_TICKS}. */
    void onTick(long tick) {
        if (visible != durable && tick % LYING_FLUSH_INTERVAL_TICKS == 0) {
            flush();
        }
    }

    private void flush() {
        for (List<Entry> batch : unflushed) {
            durable.append(batch);
        }
        unflushed.clear();
    }

    /** The application compacted its state up to {@code index}. */
    void compact(long index, Membership membership) {
        byte[] handle = ("snap-" + index).getBytes();
        if (visible != durable) {
            flush();
            visible.compact(index, membership, handle);
        }
        durable.compact(index, membership, handle);
    }

    /** The node crashed: whatever was not durable is gone. Returns the storage a restarted replica reads. */
    MemoryLogStorage crashAndRecover() {
        if (bug == PlantedBug.FORGET_VOTE) {
            HardState hs = durable.hardState();
            durable.setHardState(new HardState(hs.term(), HardState.NO_VOTE, hs.commit()));
        }
        if (visible != durable) {
            unflushed.clear();
            HardState hs = durable.hardState();
            if (hs.commit() > durable.lastIndex()) {
                durable.setHardState(new HardState(hs.term(), hs.vote(), durable.lastIndex()));
            }
            visible = MemoryLogStorage.copyOf(durable);
        }
        return visible;
    }
}
