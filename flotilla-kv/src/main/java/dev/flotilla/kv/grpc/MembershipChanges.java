package dev.flotilla.kv.grpc;

import com.google.common.util.concurrent.ListenableFuture;
import dev.flotilla.kv.ClusterDirectory;
import dev.flotilla.kv.MemberUrls;
import dev.flotilla.kv.RangeMap;
import dev.flotilla.kv.command.Command;
import dev.flotilla.kv.command.MemberRecord;
import dev.flotilla.kv.etcd.etcdserverpb.ClusterGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.MemberAddRequest;
import dev.flotilla.kv.etcd.etcdserverpb.MemberAddResponse;
import dev.flotilla.kv.etcd.etcdserverpb.MemberPromoteRequest;
import dev.flotilla.kv.etcd.etcdserverpb.MemberPromoteResponse;
import dev.flotilla.kv.etcd.etcdserverpb.MemberRemoveRequest;
import dev.flotilla.kv.etcd.etcdserverpb.MemberRemoveResponse;
import dev.flotilla.raft.ConfChange;
import dev.flotilla.raft.ConfChange.ChangeType;
import dev.flotilla.raft.Membership;
import dev.flotilla.raft.Role;
import dev.flotilla.raft.Status;
import dev.flotilla.raft.Status.FollowerProgress;
import dev.flotilla.runtime.RaftNode;
import dev.flotilla.runtime.RequestFailedException;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * MemberAdd, MemberRemove and MemberPromote: each is a change of the first range's Raft membership plus a row of the
 * member table, carried out by the range's leader (another node sends the call on to it). Member ids are node ids.
 *
 * <p><b>Order.</b> MemberAdd writes the new member's row (with its peer URLs) before the membership change, so every
 * node knows the new member's address before the leader starts replicating to it; the new id is one above every id
 * the cluster has known, removed members included. MemberRemove changes the membership first and then marks the row
 * removed, which takes the member out of every node's address book. The calls of one node run one at a time, on one
 * thread, so two MemberAdds cannot pick the same id.
 *
 * <p><b>Errors</b> are etcd's: an unknown or removed id is NOT_FOUND "member not found"; promoting a voter, or a
 * learner whose log is not within 90% of the leader's (etcd's rule), is FAILED_PRECONDITION.
 */
final class MembershipChanges implements AutoCloseable {
    /** A learner may be promoted once its log reaches this fraction of the leader's, as in etcd. */
    private static final double PROMOTABLE_FRACTION = 0.9;

    private static final long RANGE = RangeMap.FIRST_RANGE;

    private final RaftNode node;
    private final ClusterDirectory directory;
    private final long nodeId;
    private final ResponseHeaders headers;
    private final LeaderForwarding forwarding;
    private final long timeoutMs;
    private final ExecutorService serial;

    MembershipChanges(
            RaftNode node,
            ClusterDirectory directory,
            long nodeId,
            ResponseHeaders headers,
            LeaderForwarding forwarding,
            long timeoutMs) {
        this.node = node;
        this.directory = directory;
        this.nodeId = nodeId;
        this.headers = headers;
        this.forwarding = forwarding;
        this.timeoutMs = timeoutMs;
        this.serial = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "flotilla-kv-membership-" + nodeId);
            thread.setDaemon(true);
            return thread;
        });
    }

    CompletableFuture<MemberAddResponse> add(MemberAddRequest request) {
        if (request.getPeerURLsCount() == 0
                || request.getPeerURLsList().stream()
                        .anyMatch(url -> MemberUrls.address(url).isEmpty())) {
            return CompletableFuture.failedFuture(EtcdErrors.invalidArgument(EtcdErrors.MEMBER_BAD_URLS));
        }
        return onLeader(status -> addOnLeader(status, request), stub -> stub.memberAdd(request));
    }

    CompletableFuture<MemberRemoveResponse> remove(MemberRemoveRequest request) {
        return onLeader(status -> removeOnLeader(status, request), stub -> stub.memberRemove(request));
    }

    CompletableFuture<MemberPromoteResponse> promote(MemberPromoteRequest request) {
        return onLeader(status -> promoteOnLeader(status, request), stub -> stub.memberPromote(request));
    }

    private Step<MemberAddResponse> addOnLeader(Status status, MemberAddRequest request) {
        Membership membership = status.membership();
        for (long id : membership.allMembers()) {
            List<String> taken = directory
                    .member(id)
                    .<List<String>>map(MemberRecord::getPeerUrlsList)
                    .orElse(List.of());
            if (!Collections.disjoint(taken, request.getPeerURLsList())) {
                throw EtcdErrors.failedPrecondition(EtcdErrors.PEER_URL_EXISTS);
            }
        }
        long highestMember = membership.allMembers().stream()
                .mapToLong(Long::longValue)
                .max()
                .orElse(0);
        long id = Math.max(highestMember, directory.highestKnownId()) + 1;
        MemberRecord row = MemberRecord.newBuilder()
                .setId(id)
                .addAllPeerUrls(request.getPeerURLsList())
                .build();
        writeRow(row);
        ChangeType change = request.getIsLearner() ? ChangeType.ADD_LEARNER : ChangeType.ADD_VOTER;
        Membership after =
                node.changeMembership(RANGE, ConfChange.of(change, id)).join();
        return new Step.Done<>(MemberAddResponse.newBuilder()
                .setHeader(headers.of(status))
                .setMember(Members.of(row, request.getIsLearner()))
                .addAllMembers(Members.list(after, directory))
                .build());
    }

    private Step<MemberRemoveResponse> removeOnLeader(Status status, MemberRemoveRequest request) {
        long id = request.getID();
        MemberRecord row = directory.member(id).orElseThrow(EtcdErrors::memberNotFound);
        if (!status.membership().allMembers().contains(id)) {
            // Its row outlived an interrupted MemberAdd or MemberRemove: finishing the removal is all there is to do.
            writeRow(row.toBuilder().setRemoved(true).build());
            return new Step.Done<>(MemberRemoveResponse.newBuilder()
                    .setHeader(headers.of(status))
                    .addAllMembers(Members.list(status.membership(), directory))
                    .build());
        }
        if (id == nodeId) {
            return new Step.Forward<>(handOverLeadership(status));
        }
        Membership after = node.changeMembership(RANGE, ConfChange.of(ChangeType.REMOVE_NODE, id))
                .join();
        writeRow(row.toBuilder().setRemoved(true).build());
        return new Step.Done<>(MemberRemoveResponse.newBuilder()
                .setHeader(headers.of(status))
                .addAllMembers(Members.list(after, directory))
                .build());
    }

    private Step<MemberPromoteResponse> promoteOnLeader(Status status, MemberPromoteRequest request) {
        long id = request.getID();
        Membership membership = status.membership();
        if (!membership.allMembers().contains(id)) {
            throw EtcdErrors.memberNotFound();
        }
        if (!membership.learners().contains(id)) {
            throw EtcdErrors.failedPrecondition(EtcdErrors.MEMBER_NOT_LEARNER);
        }
        long match = Optional.ofNullable(status.progress().get(id))
                .map(FollowerProgress::match)
                .orElse(0L);
        if (match < PROMOTABLE_FRACTION * status.lastIndex()) {
            throw EtcdErrors.failedPrecondition(EtcdErrors.LEARNER_NOT_READY);
        }
        Membership after = node.changeMembership(RANGE, ConfChange.of(ChangeType.PROMOTE_LEARNER, id))
                .join();
        return new Step.Done<>(MemberPromoteResponse.newBuilder()
                .setHeader(headers.of(status))
                .addAllMembers(Members.list(after, directory))
                .build());
    }

    /** What the membership thread decided: the answer, or which node must carry the call out. */
    private sealed interface Step<T> {
        record Done<T>(T response) implements Step<T> {}

        record Forward<T>(long leader) implements Step<T> {}
    }

    /**
     * Runs {@code local} on this node if it leads the first range, else {@code remote} against the leader. The local
     * part runs one call at a time on the membership thread, where it blocks on the Raft node; forwarding does not
     * hold that thread, because the leader may send the call back here (after handing leadership to this node).
     */
    private <T> CompletableFuture<T> onLeader(
            Function<Status, Step<T>> local, Function<ClusterGrpc.ClusterFutureStub, ListenableFuture<T>> remote) {
        Optional<String> credentials = forwarding.credentials();
        return CompletableFuture.supplyAsync(
                        () -> {
                            Status status = RangeStatus.of(node, RANGE).join();
                            if (status.role() == Role.LEADER) {
                                return local.apply(status);
                            }
                            if (status.leader() == 0) {
                                throw new RequestFailedException(
                                        RequestFailedException.Reason.NOT_LEADER, "range " + RANGE + " has no leader");
                            }
                            return new Step.Forward<T>(status.leader());
                        },
                        serial)
                .thenCompose(step -> step instanceof Step.Forward<T> forward
                        ? forwarding.call(forward.leader(), credentials, remote)
                        : CompletableFuture.completedFuture(((Step.Done<T>) step).response()));
    }

    private void writeRow(MemberRecord row) {
        node.propose(RANGE, Command.newBuilder().setMember(row).build().toByteArray())
                .join();
    }

    /**
     * Hands the leadership of the first range to the voter with the longest log, so that this node can be removed
     * by its successor, and returns the successor once this node knows it leads.
     */
    private long handOverLeadership(Status status) {
        long successor = status.membership().voters().stream()
                .filter(id -> id != nodeId)
                .max(Comparator.comparingLong(
                        id -> Optional.ofNullable(status.progress().get(id))
                                .map(FollowerProgress::match)
                                .orElse(0L)))
                .orElseThrow(() -> EtcdErrors.failedPrecondition(EtcdErrors.NOT_ENOUGH_STARTED));
        node.transferLeadership(RANGE, successor).join();
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (RangeStatus.of(node, RANGE).join().leader() == successor) {
                return successor;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new RequestFailedException(
                RequestFailedException.Reason.TIMEOUT, "leadership did not move to node " + successor);
    }

    @Override
    public void close() {
        serial.shutdownNow();
    }
}
