package dev.flotilla.kv.grpc;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.KeySpan;
import dev.flotilla.kv.KvStore;
import dev.flotilla.kv.RangeMap;
import dev.flotilla.kv.command.Command;
import dev.flotilla.kv.command.CommandResult;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * etcd's KV service. Writes become Raft proposals to the owning range (a follower forwards them to the leader).
 * Reads are linearizable unless the request asks for a serializable read: the node first waits until it has applied
 * every write acknowledged before the read, then reads a RocksDB snapshot on {@code executor}, never on the Raft
 * driver thread. A Txn without writes is served as a read.
 */
final class KvService extends KVGrpc.KVImplBase {
    private final RaftNode node;
    private final KvStore store;
    private final RangeMap ranges;
    private final RequestChecks checks;
    private final ResponseHeaders headers;
    private final Replies replies;
    private final Executor executor;
    private final RangeWrites writes;

    KvService(
            RaftNode node,
            KvStore store,
            RangeMap ranges,
            RequestChecks checks,
            ResponseHeaders headers,
            Replies replies,
            Executor executor) {
        this.node = node;
        this.store = store;
        this.ranges = ranges;
        this.checks = checks;
        this.headers = headers;
        this.replies = replies;
        this.executor = executor;
        this.writes = new RangeWrites(node, headers, executor);
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> observer) {
        replies.send(
                () -> {
                    checks.size(request);
                    checks.range(request);
                    long range = ranges.owner(KeySpan.of(request.getKey(), request.getRangeEnd()));
                    return read(range, request.getSerializable(), () -> CommandResult.newBuilder()
                                    .setRange(store.range(range, request))
                                    .build())
                            .thenApply(CommandResult::getRange);
                },
                observer);
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> observer) {
        replies.send(
                () -> {
                    checks.size(request);
                    checks.put(request);
                    long range = ranges.owner(KeySpan.of(request.getKey(), ByteString.EMPTY));
                    return write(range, Command.newBuilder().setPut(request).build())
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
                    long range = ranges.owner(KeySpan.of(request.getKey(), request.getRangeEnd()));
                    return write(
                                    range,
                                    Command.newBuilder().setDeleteRange(request).build())
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
                    // One range owns every key today; a Txn spanning ranges will be refused here.
                    long range = RangeMap.FIRST_RANGE;
                    if (RequestChecks.isReadOnly(request)) {
                        return read(range, RequestChecks.allSerializable(request), () -> CommandResult.newBuilder()
                                        .setTxn(store.readOnlyTxn(range, request))
                                        .build())
                                .thenApply(CommandResult::getTxn);
                    }
                    return write(range, Command.newBuilder().setTxn(request).build())
                            .thenApply(CommandResult::getTxn);
                },
                observer);
    }

    @Override
    public void compact(CompactionRequest request, StreamObserver<CompactionResponse> observer) {
        replies.send(
                () -> {
                    checks.size(request);
                    // Revisions are per range: with one range, a compaction is one command.
                    return write(
                                    RangeMap.FIRST_RANGE,
                                    Command.newBuilder().setCompaction(request).build())
                            .thenApply(CommandResult::getCompaction);
                },
                observer);
    }

    private CompletableFuture<CommandResult> read(long range, boolean serializable, Supplier<CommandResult> read) {
        CompletableFuture<Void> fresh =
                serializable ? CompletableFuture.completedFuture(null) : node.awaitLinearizable(range);
        return fresh.thenApplyAsync(ignored -> read.get(), executor)
                .thenCompose(result -> headers.complete(range, result));
    }

    private CompletableFuture<CommandResult> write(long range, Command command) {
        return writes.propose(range, command);
    }
}
