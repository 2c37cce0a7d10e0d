package dev.flotilla.raft;

import java.util.List;
import java.util.Optional;

/**
 * Everything a replica asks its caller to do, in one batch. Obtain it with {@link RaftReplica#ready()} when {@link
 * RaftReplica#hasReady()}, carry it out, then acknowledge it with {@link RaftReplica#advance(Ready)}. At most one Ready
 * is outstanding at a time.
 *
 * <p><b>The contract</b> (the one place it is written; docs/raft.md repeats it):
 *
 * <ol>
 *   <li><b>Persist</b>, atomically or in this order: {@link #snapshot()} (after which the log starts after it), then
 *       {@link #entries()} (an entry at index {@code i} replaces the stored entry at {@code i} and everything after
 *       it), then {@link #hardState()}. Term and vote must be durable before step 2's second list leaves the node; a
 *       change of {@code commit} alone needs no fsync.
 *   <li><b>Send</b> {@link #messages()} at any time, even before or during step 1 (a leader's appends go out in
 *       parallel with its own fsync). Send {@link #messagesAfterPersist()} only after step 1 is durable: they promise
 *       things about the persisted state (votes, append acknowledgements).
 *   <li><b>Apply</b> {@link #committedEntries()} in order, after step 1; they may include entries persisted in step
 *       1. Serve {@link #readStates()} once the state machine has applied their index.
 *   <li><b>Acknowledge</b> with {@code advance(ready)}. Only then does the leader count its own copy of the entries
 *       towards the commit quorum, and does the replica consider the committed entries applied.
 * </ol>
 *
 * @param softState the new leader/role, present only when it changed
 * @param hardState the new term/vote/commit, present only when it changed
 * @param snapshot a snapshot received from the leader, to install before anything else
 * @param entries entries to append to stable storage
 * @param committedEntries entries to apply to the state machine
 * @param readStates reads that became safe
 * @param messages messages that may be sent immediately
 * @param messagesAfterPersist messages that may be sent only once this Ready's state is durable
 */
public record Ready(
        Optional<SoftState> softState,
        Optional<HardState> hardState,
        Optional<SnapshotMeta> snapshot,
        List<Entry> entries,
        List<Entry> committedEntries,
        List<ReadState> readStates,
        List<Message> messages,
        List<Message> messagesAfterPersist) {
    public Ready {
        entries = List.copyOf(entries);
        committedEntries = List.copyOf(committedEntries);
        readStates = List.copyOf(readStates);
        messages = List.copyOf(messages);
        messagesAfterPersist = List.copyOf(messagesAfterPersist);
    }

    /** True when the caller must write something durably before sending {@link #messagesAfterPersist()}. */
    public boolean mustPersist() {
        return snapshot.isPresent() || !entries.isEmpty() || hardState.isPresent();
    }
}
