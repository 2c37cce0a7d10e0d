package dev.flotilla.transport.netty;

import dev.flotilla.raft.Entry;
import dev.flotilla.raft.EntryType;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.Message;
import dev.flotilla.raft.SnapshotMeta;
import dev.flotilla.transport.GroupMessage;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/** jqwik generators of every message kind, from node {@link #FROM} to node {@link #TO}. */
final class MessageArbitraries {
    static final long FROM = 1;
    static final long TO = 2;

    private MessageArbitraries() {}

    /** Mostly small values (their varints are short), sometimes any long, negative ones included. */
    static Arbitrary<Long> anyLong() {
        return Arbitraries.<Long>frequencyOf(
                weighted(6, Arbitraries.longs().between(0, 300)),
                weighted(2, Arbitraries.longs().between(0, Long.MAX_VALUE)),
                weighted(1, Arbitraries.longs()));
    }

    static Arbitrary<Long> positiveLong() {
        return Arbitraries.<Long>frequencyOf(
                weighted(6, Arbitraries.longs().between(1, 300)),
                weighted(1, Arbitraries.longs().between(1, Long.MAX_VALUE)));
    }

    static Arbitrary<byte[]> bytes() {
        return Arbitraries.<byte[]>frequencyOf(
                weighted(1, Arbitraries.just(new byte[0])),
                weighted(3, Arbitraries.bytes().array(byte[].class).ofMaxSize(40)));
    }

    static Arbitrary<Entry> entries() {
        return Combinators.combine(positiveLong(), positiveLong(), Arbitraries.of(EntryType.class), bytes())
                .as(Entry::new);
    }

    static Arbitrary<Membership> memberships() {
        Arbitrary<Set<Long>> ids = positiveLong().set().ofMaxSize(5);
        return Combinators.combine(ids, ids, ids, ids, Arbitraries.of(true, false))
                .as((voters, outgoing, learners, learnersNext, autoLeave) -> {
                    Set<Long> pureLearners = new HashSet<>(learners);
                    pureLearners.removeAll(voters);
                    pureLearners.removeAll(outgoing);
                    return new Membership(voters, outgoing, pureLearners, learnersNext, autoLeave);
                });
    }

    static Arbitrary<SnapshotMeta> snapshots() {
        Arbitrary<long[]> position = Arbitraries.oneOf(
                Arbitraries.just(new long[] {0, 0}),
                Combinators.combine(positiveLong(), positiveLong()).as((index, term) -> new long[] {index, term}));
        return Combinators.combine(position, memberships(), bytes())
                .as((at, membership, handle) -> new SnapshotMeta(at[0], at[1], membership, handle));
    }

    static Arbitrary<Message> messages() {
        Arbitrary<Long> n = anyLong();
        Arbitrary<Boolean> flag = Arbitraries.of(true, false);
        return Arbitraries.oneOf(
                Combinators.combine(n, n, n, n, entries().list().ofMaxSize(4))
                        .as((term, prevIndex, prevTerm, commit, entries) ->
                                new Message.Append(FROM, TO, term, prevIndex, prevTerm, entries, commit)),
                Combinators.combine(n, flag, n, n, n)
                        .as((term, reject, index, hintIndex, hintTerm) ->
                                new Message.AppendResponse(FROM, TO, term, reject, index, hintIndex, hintTerm)),
                Combinators.combine(n, n, n, flag, flag)
                        .as((term, lastIndex, lastTerm, preVote, transfer) ->
                                new Message.VoteRequest(FROM, TO, term, lastIndex, lastTerm, preVote, transfer)),
                Combinators.combine(n, flag, flag)
                        .as((term, preVote, granted) -> new Message.VoteResponse(FROM, TO, term, preVote, granted)),
                Combinators.combine(n, n, bytes(), n)
                        .as((term, commit, context, tick) ->
                                new Message.Heartbeat(FROM, TO, term, commit, context, tick)),
                Combinators.combine(n, bytes(), n)
                        .as((term, context, tick) -> new Message.HeartbeatResponse(FROM, TO, term, context, tick)),
                Combinators.combine(n, snapshots())
                        .as((term, snapshot) -> new Message.InstallSnapshot(FROM, TO, term, snapshot)),
                n.map(term -> new Message.TimeoutNow(FROM, TO, term)),
                Combinators.combine(n, Arbitraries.of(EntryType.class), bytes())
                        .as((term, type, data) -> new Message.ForwardedProposal(FROM, TO, term, type, data)),
                Combinators.combine(n, bytes())
                        .as((term, context) -> new Message.ForwardedReadIndex(FROM, TO, term, context)),
                Combinators.combine(n, n, bytes())
                        .as((term, index, context) -> new Message.ReadIndexResponse(FROM, TO, term, index, context)));
    }

    static Arbitrary<GroupMessage> groupMessages() {
        return Combinators.combine(anyLong(), messages()).as(GroupMessage::new);
    }

    static Arbitrary<List<GroupMessage>> batches() {
        return groupMessages().list().ofMinSize(1).ofMaxSize(30);
    }

    private static <T> Tuple2<Integer, Arbitrary<? extends T>> weighted(int weight, Arbitrary<T> arbitrary) {
        return Tuple.of(weight, arbitrary);
    }
}
