package dev.flotilla.kv.grpc;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.CurrentRanges;
import dev.flotilla.kv.KeySpan;
import dev.flotilla.kv.KvStore;
import dev.flotilla.kv.RangeMap;
import dev.flotilla.kv.admin.ListRangesRequest;
import dev.flotilla.kv.admin.ListRangesResponse;
import dev.flotilla.kv.admin.RangeAdminGrpc;
import dev.flotilla.kv.admin.RangeInfo;
import dev.flotilla.kv.admin.SplitRangeRequest;
import dev.flotilla.kv.admin.SplitRangeResponse;
import dev.flotilla.kv.command.Command;
import dev.flotilla.kv.command.CommandResult;
import dev.flotilla.kv.command.RangeDescriptor;
import dev.flotilla.kv.command.RangeIdAllocation;
import dev.flotilla.kv.command.Split;
import dev.flotilla.raft.Status;
import dev.flotilla.runtime.RaftNode;
import io.grpc.stub.StreamObserver;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Flotilla's range admin API ({@code flotilla.admin.RangeAdmin}; docs/kv-server.md, "Splitting a range"). A split
 * takes two commands: the first range gives out a new range id (unique however many splits run at once), then the
 * range that owns the key applies the split. Both are proposals, so a follower forwards them to the leaders. The
 * answer comes once the split has applied on this node.
 */
final class RangeAdminService extends RangeAdminGrpc.RangeAdminImplBase {
    private final RaftNode node;
    private final KvStore store;
    private final CurrentRanges ranges;
    private final RangeWrites writes;
    private final Replies replies;

    RangeAdminService(RaftNode node, KvStore store, CurrentRanges ranges, RangeWrites writes, Replies replies) {
        this.node = node;
        this.store = store;
        this.ranges = ranges;
        this.writes = writes;
        this.replies = replies;
    }

    @Override
    public void splitRange(SplitRangeRequest request, StreamObserver<SplitRangeResponse> observer) {
        replies.send(() -> split(request.getKey()), observer);
    }

    private CompletableFuture<SplitRangeResponse> split(ByteString key) {
        if (key.isEmpty()) {
            throw EtcdErrors.invalidArgument("flotilla: the split key must not be empty");
        }
        RangeMap map = ranges.map();
        RangeMap.Range owner = map.rangeOfKey(key);
        if (owner.span().start().equals(key)) {
            throw EtcdErrors.invalidArgument(
                    "flotilla: range " + owner.id() + " already starts at '" + key.toStringUtf8() + "'");
        }
        long atLeast = Collections.max(map.rangeIds()) + 1;
        return RangeStatus.of(node, owner.id())
                .thenCompose(status -> writes.propose(
                                RangeMap.FIRST_RANGE,
                                Command.newBuilder()
                                        .setAllocateRangeId(
                                                RangeIdAllocation.newBuilder().setAtLeast(atLeast))
                                        .build())
                        .thenCompose(allocated -> writes.propose(
                                owner.id(),
                                Command.newBuilder()
                                        .setSplit(Split.newBuilder()
                                                .setKey(key)
                                                .setNewRangeId(allocated.getAllocatedRangeId())
                                                .addAllVoters(
                                                        status.membership().voters()))
                                        .build())))
                .thenApply(CommandResult::getSplit)
                .thenApply(split -> SplitRangeResponse.newBuilder()
                        .setLeft(info(split.getLeftRangeId(), span(split.getLeft())))
                        .setRight(info(split.getRightRangeId(), span(split.getRight())))
                        .build());
    }

    private static KeySpan span(RangeDescriptor descriptor) {
        return new KeySpan(
                descriptor.getStart(), descriptor.hasEnd() ? Optional.of(descriptor.getEnd()) : Optional.empty());
    }

    @Override
    public void listRanges(ListRangesRequest request, StreamObserver<ListRangesResponse> observer) {
        replies.send(this::describeRanges, observer);
    }

    private CompletableFuture<ListRangesResponse> describeRanges() {
        List<RangeMap.Range> all = ranges.map().ranges();
        List<CompletableFuture<RangeInfo>> infos = all.stream()
                .map(range -> node.status(range.id()).thenApply(status -> info(range.id(), range.span()).toBuilder()
                        .setLeader(status.map(Status::leader).orElse(0L))
                        .build()))
                .toList();
        return CompletableFuture.allOf(infos.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> ListRangesResponse.newBuilder()
                        .addAllRanges(
                                infos.stream().map(CompletableFuture::join).toList())
                        .build());
    }

    private RangeInfo info(long id, KeySpan span) {
        RangeInfo.Builder info = RangeInfo.newBuilder()
                .setId(id)
                .setStart(span.start())
                .setRevision(store.localRanges().containsKey(id) ? store.revision(id) : 0);
        span.end().ifPresent(info::setEnd);
        return info.build();
    }
}
