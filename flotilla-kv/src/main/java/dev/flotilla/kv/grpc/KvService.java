package dev.flotilla.kv.grpc;

import dev.flotilla.kv.CurrentRanges;
import dev.flotilla.kv.KeySpan;
import dev.flotilla.kv.KvStore;
import dev.flotilla.kv.RangeMap;
import dev.flotilla.kv.RejectedRequestException;
import dev.flotilla.kv.UnsafeTestFault;
import dev.flotilla.kv.command.Command;
import dev.flotilla.kv.command.CommandResult;
import dev.flotilla.kv.command.Rejection;
import dev.flotilla.kv.etcd.etcdserverpb.CompactionRequest;
import dev.flotilla.kv.etcd.etcdserverpb.CompactionResponse;
import dev.flotilla.kv.etcd.etcdserverpb.DeleteRangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.DeleteRangeResponse;
import dev.flotilla.kv.etcd.etcdserverpb.KVGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.PutRequest;
import dev.flotilla.kv.etcd.etcdserverpb.PutResponse;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeResponse;
import dev.flotilla.kv.etcd.etcdserverpb.TxnRequest;
import dev.flotilla.kv.etcd.etcdserverpb.TxnResponse;
import dev.flotilla.runtime.RaftNode;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * etcd's KV service. Writes become Raft proposals to the owning range (a follower forwards them to the leader).
 * Reads are linearizable unless the request asks for a serializable read: the node first waits until it has applied
 * every write acknowledged before the read, then reads a RocksDB snapshot on {@code executor}, never on the Raft
 * driver thread. A Txn without writes is served as a read. With auth on, every request is checked against the caller's
 * permissions first ({@link AccessControl}).
 */
final class KvService extends KVGrpc.KVImplBase {
    private final RaftNode node;
    private final KvStore store;
    private final CurrentRanges ranges;
    private final RequestChecks checks;
    private final ResponseHeaders headers;
    private final Replies replies;
    private final Executor executor;
    private final RangeWrites writes;
    private final AccessControl access;
    private final boolean staleReads;

    /** {@code fault} is {@link UnsafeTestFault#NONE} except in tests that plant a bug on purpose. */
    KvService(
            RaftNode node,
            KvStore store,
            CurrentRanges ranges,
            RequestChecks checks,
            ResponseHeaders headers,
            Replies replies,
            AccessControl access,
            Executor executor,
            UnsafeTestFault fault) {
        this.node = node;
        this.store = store;
        this.ranges = ranges;
        this.checks = checks;
        this.headers = headers;
        this.replies = replies;
        this.executor = executor;
        this.access = access;
        this.writes = new RangeWrites(node, headers);
        this.staleReads = fault == UnsafeTestFault.STALE_READS;
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> observer) {
        replies.send(
                () -> {
                    checks.size(request);
                    checks.range(request);
                    access.checkRange(request);
                    return againIfSplit(() -> readRanges(request));
                },
                observer);
    }

    private CompletableFuture<RangeResponse> readRanges(RangeRequest request) {
        KeySpan span = KeySpan.of(request.getKey(), request.getRangeEnd());
        List<RangeMap.Range> owners = ranges.map().overlapping(span);
        if (owners.size() == 1) {
            return readRange(owners.get(0).id(), request);
        }
        List<CompletableFuture<RangeResponse>> parts = new ArrayList<>();
        for (RangeMap.Range range : owners) {
            parts.add(readRange(range.id(), CrossRangeRead.clip(request, span, range)));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> CrossRangeRead.merge(
                        request, parts.stream().map(CompletableFuture::join).toList()));
    }

    private CompletableFuture<RangeResponse> readRange(long range, RangeRequest request) {
        List<KeySpan> spans = List.of(KeySpan.of(request.getKey(), request.getRangeEnd()));
        return read(range, spans, request.getSerializable(), () -> CommandResult.newBuilder()
                        .setRange(store.range(range, request))
                        .build())
                .thenApply(CommandResult::getRange);
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> observer) {
        replies.send(
                () -> {
                    checks.size(request);
                    checks.put(request);
                    access.checkPut(request);
                    Command command = Command.newBuilder().setPut(request).build();
                    return againIfSplit(() -> write(ranges.map().ownerOfKey(request.getKey()), command))
                            .thenApply(CommandResult::getPut);
                },
                observer);
    }

    @Override
    public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> observer) {
        replies.send(
                () -> {
                    checks.size(request);
                    checks.deleteRange(request);
                    access.checkDeleteRange(request);
                    List<KeySpan> spans = List.of(KeySpan.of(request.getKey(), request.getRangeEnd()));
                    Command command =
                            Command.newBuilder().setDeleteRange(request).build();
                    return againIfSplit(() -> write(ranges.map().owner(spans, "a DeleteRange"), command))
                            .thenApply(CommandResult::getDeleteRange);
                },
                observer);
    }

    @Override
    public void txn(TxnRequest request, StreamObserver<TxnResponse> observer) {
        replies.send(
                () -> {
                    checks.size(request);
                    checks.txn(request);
                    access.checkTxn(request);
                    List<KeySpan> spans = KeySpan.ofTxn(request);
                    if (RequestChecks.isReadOnly(request)) {
                        return againIfSplit(() -> {
                                    long range = ranges.map().owner(spans, "a Txn");
                                    return read(
                                            range,
                                            spans,
                                            RequestChecks.allSerializable(request),
                                            () -> CommandResult.newBuilder()
                                                    .setTxn(store.readOnlyTxn(range, request))
                                                    .build());
                                })
                                .thenApply(CommandResult::getTxn);
                    }
                    Command command = Command.newBuilder().setTxn(request).build();
                    return againIfSplit(() -> write(ranges.map().owner(spans, "a Txn"), command))
                            .thenApply(CommandResult::getTxn);
                },
                observer);
    }

    @Override
    public void compact(CompactionRequest request, StreamObserver<CompactionResponse> observer) {
        replies.send(
                () -> {
                    checks.size(request);
                    return compactEveryRange(request);
                },
                observer);
    }

    /**
     * Revisions are per range: the compaction goes to every range, and succeeds if any range could compact at that
     * revision while the others only had not reached it or had compacted beyond it. Any other failure (no leader, a
     * timeout) fails the request; if no range could compact, the first range's error says why, as etcd would say it.
     */
    private CompletableFuture<CompactionResponse> compactEveryRange(CompactionRequest request) {
        List<CompletableFuture<CommandResult>> parts = new ArrayList<>();
        for (long range : ranges.map().rangeIds()) {
            parts.add(write(range, Command.newBuilder().setCompaction(request).build()));
        }
        return CompletableFuture.allOf(parts.stream()
                        .map(part -> part.handle((ok, error) -> null))
                        .toArray(CompletableFuture[]::new))
                .thenCompose(ignored -> parts.stream()
                        .filter(part -> part.isCompletedExceptionally() && !revisionOutOfReach(part))
                        .findFirst()
                        .or(() -> parts.stream()
                                .filter(part -> !part.isCompletedExceptionally())
                                .findFirst())
                        .orElse(parts.get(0)))
                .thenApply(CommandResult::getCompaction);
    }

    private static boolean revisionOutOfReach(CompletableFuture<CommandResult> failed) {
        Throwable error = failed.handle((ok, e) -> e).join();
        Throwable cause = error instanceof CompletionException ? error.getCause() : error;
        return cause instanceof RejectedRequestException rejected
                && (rejected.rejection().getKind() == Rejection.Kind.COMPACTED
                        || rejected.rejection().getKind() == Rejection.Kind.FUTURE_REVISION);
    }

    /**
     * Reads {@code spans} from {@code range} once this node is fresh enough; fails with {@code WRONG_RANGE} if the range
     * turned out to have been split away from them meanwhile (this node applied the split while it caught up).
     */
    private CompletableFuture<CommandResult> read(
            long range, List<KeySpan> spans, boolean serializable, Supplier<CommandResult> read) {
        // The planted stale-reads bug serves every read as if it had asked to be serializable.
        CompletableFuture<Void> fresh =
                serializable || staleReads ? CompletableFuture.completedFuture(null) : node.awaitLinearizable(range);
        return fresh.thenApplyAsync(
                        ignored -> {
                            boolean owned = ranges.map()
                                    .range(range)
                                    .map(r -> spans.stream().allMatch(r.span()::encloses))
                                    .orElse(false);
                            if (!owned) {
                                throw new RejectedRequestException(
                                        Rejection.Kind.WRONG_RANGE,
                                        "flotilla: range " + range + " was split while the read waited");
                            }
                            return read.get();
                        },
                        executor)
                .thenApply(result -> headers.complete(range, result));
    }

    /**
     * Runs {@code attempt}, and once more if a range it went to refused it as split meanwhile ({@code WRONG_RANGE}):
     * the attempt routes by the current map, which this node updated when it applied the split. Nothing of a refused
     * attempt applied. A second refusal reaches the client as UNAVAILABLE, to retry.
     */
    private static <T> CompletableFuture<T> againIfSplit(Supplier<CompletableFuture<T>> attempt) {
        return attempt.get().exceptionallyCompose(error -> {
            Throwable cause = error instanceof CompletionException ? error.getCause() : error;
            if (cause instanceof RejectedRequestException rejected
                    && rejected.rejection().getKind() == Rejection.Kind.WRONG_RANGE) {
                return attempt.get();
            }
            return CompletableFuture.failedFuture(error);
        });
    }

    private CompletableFuture<CommandResult> write(long range, Command command) {
        return writes.propose(range, command);
    }
}
