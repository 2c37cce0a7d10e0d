package dev.flotilla.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A group of real replicas wired by an in-memory network that the test controls: messages wait in a queue until the
 * test delivers them, and a filter can drop any of them. Each replica persists to its own {@link MemoryLogStorage}
 * exactly as the {@link Ready} contract says.
 */
final class TestCluster {
    final Map<Long, RaftReplica> replicas = new LinkedHashMap<>();
    final Map<Long, MemoryLogStorage> storages = new LinkedHashMap<>();
    final Map<Long, List<Entry>> applied = new LinkedHashMap<>();
    final Map<Long, List<ReadState>> reads = new LinkedHashMap<>();
    final Map<Long, RaftConfig> configs = new LinkedHashMap<>();
    final ArrayDeque<Message> inFlight = new ArrayDeque<>();
    /** Every message ever sent, for assertions about what went on the wire. */
    final List<Message> sent = new ArrayList<>();

    private final Set<Long> down = new HashSet<>();
    private Predicate<Message> drop = m -> false;

    /** {@code voters} voters with ids 1..n, all configured by {@code config}. */
    static TestCluster of(int voters, Function<Long, RaftConfig> config) {
        Set<Long> ids = new HashSet<>();
        for (long i = 1; i <= voters; i++) {
            ids.add(i);
        }
        return of(Membership.ofVoters(ids), config);
    }

    static TestCluster of(Membership membership, Function<Long, RaftConfig> config) {
        TestCluster c = new TestCluster();
        for (long id : membership.allMembers()) {
            c.add(id, new MemoryLogStorage(membership), config.apply(id));
        }
        return c;
    }

    /**
     * A storage whose log holds one entry per given term (index 1, 2, ...) with hard state {@code term}, no vote and
     * nothing committed: to build the divergent logs of the paper's figures.
     */
    static MemoryLogStorage storageWithLog(Membership membership, long term, long... entryTerms) {
        MemoryLogStorage s = new MemoryLogStorage(membership);
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < entryTerms.length; i++) {
            entries.add(Entry.normal(i + 1, entryTerms[i], ("e" + (i + 1) + "@" + entryTerms[i]).getBytes()));
        }
        s.append(entries);
        s.setHardState(new HardState(term, HardState.NO_VOTE, 0));
        return s;
    }

    static RaftConfig defaults(long id) {
        return RaftConfig.defaults(id).withRandomSeed(42);
    }

    void add(long id, MemoryLogStorage storage, RaftConfig config) {
        storages.put(id, storage);
        configs.put(id, config);
        replicas.put(id, RaftReplica.create(config, storage));
        applied.putIfAbsent(id, new ArrayList<>());
        reads.putIfAbsent(id, new ArrayList<>());
    }

    RaftReplica node(long id) {
        return replicas.get(id);
    }

    Status status(long id) {
        return replicas.get(id).status();
    }

    void dropIf(Predicate<Message> filter) {
        this.drop = filter;
    }

    void isolate(long id) {
        dropIf(m -> m.from() == id || m.to() == id);
    }

    void heal() {
        dropIf(m -> false);
    }

    /** Crashes {@code id}: messages to it are lost until it is restarted from its storage. */
    void crash(long id) {
        down.add(id);
    }

    /** Restarts {@code id} from its storage; its in-memory state machine starts over and replays the log. */
    void restart(long id) {
        down.remove(id);
        applied.get(id).clear();
        replicas.put(id, RaftReplica.create(configs.get(id), storages.get(id)));
    }

    /** Carries out every Ready of {@code id}, queueing its messages. */
    void processReady(long id) {
        RaftReplica r = replicas.get(id);
        while (r.hasReady()) {
            Ready ready = r.ready();
            storages.get(id).persist(ready);
            for (Message m : ready.messages()) {
                enqueue(m);
            }
            for (Message m : ready.messagesAfterPersist()) {
                enqueue(m);
            }
            applied.get(id).addAll(ready.committedEntries());
            reads.get(id).addAll(ready.readStates());
            r.advance(ready);
        }
    }

    private void enqueue(Message m) {
        sent.add(m);
        if (!drop.test(m)) {
            inFlight.add(m);
        }
    }

    void processAllReady() {
        for (long id : replicas.keySet()) {
            if (!down.contains(id)) {
                processReady(id);
            }
        }
    }

    /** Delivers messages and processes Readies until nothing moves (at most {@code 100_000} messages). */
    void stabilize() {
        processAllReady();
        for (int i = 0; i < 100_000; i++) {
            Message m = inFlight.poll();
            if (m == null) {
                processAllReady();
                if (inFlight.isEmpty()) {
                    return;
                }
                continue;
            }
            deliver(m);
        }
        throw new AssertionError("cluster did not stabilize");
    }

    void deliver(Message m) {
        if (!drop.test(m) && !down.contains(m.to()) && replicas.containsKey(m.to())) {
            replicas.get(m.to()).step(m);
            processReady(m.to());
        }
    }

    void tick(long id) {
        replicas.get(id).tick();
        processReady(id);
    }

    void tickAll(int ticks) {
        for (int t = 0; t < ticks; t++) {
            for (long id : replicas.keySet()) {
                if (!down.contains(id)) {
                    replicas.get(id).tick();
                }
            }
            stabilize();
        }
    }

    /** Makes {@code id} campaign and runs the election to completion. */
    void elect(long id) {
        replicas.get(id).campaign();
        stabilize();
        if (status(id).role() != Role.LEADER) {
            throw new AssertionError("node " + id + " failed to become leader: " + status(id));
        }
    }

    void propose(long id, String data) {
        replicas.get(id).propose(data.getBytes());
        stabilize();
    }

    List<String> appliedData(long id) {
        List<String> out = new ArrayList<>();
        for (Entry e : applied.get(id)) {
            if (e.type() == EntryType.NORMAL && e.data().length > 0) {
                out.add(new String(e.data()));
            }
        }
        return out;
    }

    long leaderId() {
        for (long id : replicas.keySet()) {
            if (!down.contains(id) && status(id).role() == Role.LEADER) {
                return id;
            }
        }
        return RaftConfig.NO_NODE;
    }

    <T extends Message> List<T> sentOfType(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Message m : sent) {
            if (type.isInstance(m)) {
                out.add(type.cast(m));
            }
        }
        return out;
    }
}
