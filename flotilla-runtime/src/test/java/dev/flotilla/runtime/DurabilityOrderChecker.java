package dev.flotilla.runtime;

import dev.flotilla.log.LogEngine;
import dev.flotilla.raft.HardState;
import dev.flotilla.raft.LogStorage;
import dev.flotilla.raft.Message;
import dev.flotilla.transport.GroupMessage;
import dev.flotilla.transport.Transport;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Sits between a node and its transport and checks, as each message leaves, that what it says about the sender is
 * already durable in the sender's log: the log engine's group views show only durable data, so they are the truth.
 *
 * <ul>
 *   <li>any message except pre-vote traffic: the sender's term is durable;
 *   <li>a vote request: the candidate's vote for itself in that term is durable;
 *   <li>a granted vote: the vote for the candidate in that term is durable;
 *   <li>an accepted append: the entries it acknowledges are durable.
 * </ul>
 */
final class DurabilityOrderChecker extends ForwardingTransport {
    private final long nodeId;
    private final Supplier<LogEngine> log;
    private final List<String> violations;
    final AtomicInteger votesChecked = new AtomicInteger();
    final AtomicInteger appendAcksChecked = new AtomicInteger();

    DurabilityOrderChecker(long nodeId, Transport delegate, Supplier<LogEngine> log, List<String> violations) {
        super(delegate);
        this.nodeId = nodeId;
        this.log = log;
        this.violations = violations;
    }

    static List<String> newViolationList() {
        return new CopyOnWriteArrayList<>();
    }

    @Override
    public void send(GroupMessage groupMessage) {
        check(groupMessage.groupId(), groupMessage.message());
        super.send(groupMessage);
    }

    private void check(long group, Message message) {
        LogStorage durable = log.get().group(group);
        HardState state = durable.hardState();
        boolean preVote = (message instanceof Message.VoteRequest request && request.preVote())
                || (message instanceof Message.VoteResponse response && response.preVote());
        if (!preVote && state.term() < message.term()) {
            violate(group, message, "term " + message.term() + " is not durable (durable term " + state.term() + ")");
        }
        if (message instanceof Message.VoteRequest r && !r.preVote()) {
            votesChecked.incrementAndGet();
            if (state.term() != r.term() || state.vote() != nodeId) {
                violate(group, message, "own vote is not durable (durable " + state + ")");
            }
        }
        if (message instanceof Message.VoteResponse r && !r.preVote() && r.granted()) {
            votesChecked.incrementAndGet();
            if (state.term() != r.term() || state.vote() != r.to()) {
                violate(group, message, "granted vote is not durable (durable " + state + ")");
            }
        }
        if (message instanceof Message.AppendResponse r && !r.reject()) {
            appendAcksChecked.incrementAndGet();
            if (durable.lastIndex() < r.index()) {
                violate(
                        group,
                        message,
                        "acknowledged index " + r.index() + " is not durable (durable last index " + durable.lastIndex()
                                + ")");
            }
        }
    }

    private void violate(long group, Message message, String what) {
        violations.add("node " + nodeId + " group " + group + " sent " + message + ": " + what);
    }
}
