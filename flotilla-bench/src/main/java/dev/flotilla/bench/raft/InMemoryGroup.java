package dev.flotilla.bench.raft;

import dev.flotilla.raft.Membership;
import dev.flotilla.raft.MemoryLogStorage;
import dev.flotilla.raft.Message;
import dev.flotilla.raft.RaftConfig;
import dev.flotilla.raft.RaftReplica;
import dev.flotilla.raft.Ready;
import dev.flotilla.raft.Role;
import dev.flotilla.raft.Status;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * A group of real replicas driven in one thread with in-memory storage and an instant, lossless network: the upper
 * bound the runtime can reach, since it only adds I/O and threads around this same loop.
 */
final class InMemoryGroup {
    private static final long COMPACT_EVERY_ENTRIES = 10_000;

    private final RaftReplica[] replicas;
    private final MemoryLogStorage[] storages;
    private final ArrayDeque<Message> network = new ArrayDeque<>();
    private long appliedOnLeader;

    InMemoryGroup(int voters) {
        Set<Long> ids = new HashSet<>();
        for (long id = 1; id <= voters; id++) {
            ids.add(id);
        }
        replicas = new RaftReplica[voters];
        storages = new MemoryLogStorage[voters];
        for (int i = 0; i < voters; i++) {
            storages[i] = new MemoryLogStorage(Membership.ofVoters(ids));
            RaftConfig config = RaftConfig.defaults(i + 1).withFlowControl(256, 64L << 20, 1L << 20, 1L << 30);
            replicas[i] = RaftReplica.create(config, storages[i]);
        }
        replicas[0].campaign();
        drive();
        if (replicas[0].status().role() != Role.LEADER) {
            throw new IllegalStateException("node 1 did not become leader");
        }
    }

    /** Proposes one entry on the leader and runs the group until nothing moves; returns the leader's applied count. */
    long proposeAndCommit(byte[] payload) {
        replicas[0].propose(payload);
        drive();
        return appliedOnLeader;
    }

    private void drive() {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (int i = 0; i < replicas.length; i++) {
                while (replicas[i].hasReady()) {
                    moved = true;
                    Ready ready = replicas[i].ready();
                    storages[i].persist(ready);
                    network.addAll(ready.messages());
                    network.addAll(ready.messagesAfterPersist());
                    if (i == 0) {
                        appliedOnLeader += ready.committedEntries().size();
                    }
                    replicas[i].advance(ready);
                    maybeCompact(i);
                }
            }
            Message m;
            while ((m = network.poll()) != null) {
                moved = true;
                replicas[(int) m.to() - 1].step(m);
            }
        }
    }

    /** Keeps memory flat over long runs; checks the cheap bound first, since status() copies state. */
    private void maybeCompact(int i) {
        if (storages[i].lastIndex() - storages[i].snapshot().index() < COMPACT_EVERY_ENTRIES) {
            return;
        }
        Status st = replicas[i].status();
        storages[i].compact(st.applied(), st.membership(), new byte[0]);
    }
}
