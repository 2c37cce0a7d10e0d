package dev.flotilla.kv.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.flotilla.kv.RejectedRequestException;
import dev.flotilla.kv.command.Command;
import dev.flotilla.kv.command.CommandResult;
import dev.flotilla.runtime.RaftNode;
import java.util.concurrent.CompletableFuture;

/**
 * Proposes commands to a range and decodes their results: completes with the state machine's result and a complete
 * header once the command has applied on this node (a follower forwards the proposal), or fails with {@link
 * RejectedRequestException} if the state machine refused it. It completes on the thread that applied the command (a
 * cheap decode, where another thread hand-off would cost more), so callers move on to their own executor.
 */
final class RangeWrites {
    private final RaftNode node;
    private final ResponseHeaders headers;

    RangeWrites(RaftNode node, ResponseHeaders headers) {
        this.node = node;
        this.headers = headers;
    }

    CompletableFuture<CommandResult> propose(long range, Command command) {
        return node.propose(range, command.toByteArray()).thenApply(result -> headers.complete(range, decode(result)));
    }

    private static CommandResult decode(byte[] bytes) {
        CommandResult result;
        try {
            result = CommandResult.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("undecodable command result", e);
        }
        if (result.hasRejection()) {
            throw new RejectedRequestException(result.getRejection());
        }
        return result;
    }
}
