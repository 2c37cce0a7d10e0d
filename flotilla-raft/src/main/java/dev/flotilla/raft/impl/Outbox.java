package dev.flotilla.raft.impl;

import dev.flotilla.raft.Message;
import dev.flotilla.raft.ReadState;
import java.util.ArrayList;
import java.util.List;

/**
 * What a replica has to hand out in its next Ready besides log state: messages, split by whether they may leave before
 * the Ready is persisted, and reads that became safe.
 */
final class Outbox {
    private final List<Message> early = new ArrayList<>();
    private final List<Message> afterPersist = new ArrayList<>();
    private final List<ReadState> readStates = new ArrayList<>();
    /** The highest term the caller has made durable. */
    private long persistedTerm;

    Outbox(long persistedTerm) {
        this.persistedTerm = persistedTerm;
    }

    /**
     * A leader's append, heartbeat, snapshot or TimeoutNow: it may leave in parallel with the leader's own fsync, but
     * only once the leader's term is durable (it is not, for a single voter that just elected itself).
     */
    void sendEarly(Message m) {
        if (m.term() == persistedTerm) {
            early.add(m);
        } else {
            afterPersist.add(m);
        }
    }

    /** A message that promises something about persisted state (a vote, an acknowledgement...). */
    void sendAfterPersist(Message m) {
        afterPersist.add(m);
    }

    void readSafe(ReadState read) {
        readStates.add(read);
    }

    void termPersisted(long term) {
        persistedTerm = term;
    }

    boolean isEmpty() {
        return early.isEmpty() && afterPersist.isEmpty() && readStates.isEmpty();
    }

    List<Message> takeEarly() {
        return take(early);
    }

    List<Message> takeAfterPersist() {
        return take(afterPersist);
    }

    List<ReadState> takeReadStates() {
        return take(readStates);
    }

    private static <T> List<T> take(List<T> list) {
        List<T> out = List.copyOf(list);
        list.clear();
        return out;
    }
}
