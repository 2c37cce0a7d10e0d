package dev.flotilla.kv.mvcc;

import static dev.flotilla.kv.mvcc.StoreFixture.RANGE;
import static dev.flotilla.kv.mvcc.StoreFixture.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.KeySpan;
import dev.flotilla.kv.command.Command;
import dev.flotilla.kv.command.CommandResult;
import dev.flotilla.kv.command.Rejection;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseGrantRequest;
import dev.flotilla.kv.etcd.etcdserverpb.LeaseRevokeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.PutRequest;
import dev.flotilla.kv.etcd.mvccpb.Event;
import dev.flotilla.kv.lease.LeaseChange;
import dev.flotilla.kv.watch.Delivery;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leases in the range's state machine: stored with the data, attached to keys, revoked with them in one revision. */
class LeaseStateMachineTest {
    @TempDir
    Path dir;

    @Test
    void revokingALeaseDeletesItsKeysInOneRevisionAndForgetsIt() throws Exception {
        try (StoreFixture store = new StoreFixture(dir)) {
            long lease = grant(store, 0, 30).getLeaseGrant().getID();
            assertTrue(lease > 0);
            putWithLease(store, "a", lease);
            putWithLease(store, "b", lease);
            store.put("c", "unleased");
            long before = store.get("c").getHeader().getRevision();
            CommandResult revoked = revoke(store, lease);
            assertEquals(before + 1, revoked.getLeaseRevoke().getHeader().getRevision());
            assertEquals(0, store.get("a").getCount());
            assertEquals(0, store.get("b").getCount());
            assertEquals(1, store.get("c").getCount());
            assertTrue(store.store().lease(RANGE, lease).isEmpty());
            Delivery.Events events =
                    (Delivery.Events) store.store().watchHub(RANGE).read(everything(), before + 1);
            assertEquals(
                    List.of("a", "b"),
                    events.events().stream()
                            .map(e -> e.getKv().getKey().toStringUtf8())
                            .toList());
            assertTrue(events.events().stream().allMatch(e -> e.getType() == Event.EventType.DELETE));
            assertTrue(events.events().stream().allMatch(e -> e.getKv().getModRevision() == before + 1));
        }
    }

    @Test
    void revokingALeaseWithoutKeysCreatesNoRevision() throws Exception {
        try (StoreFixture store = new StoreFixture(dir)) {
            long lease = grant(store, 7, 30).getLeaseGrant().getID();
            assertEquals(7, lease);
            long revision = store.get("x").getHeader().getRevision();
            assertEquals(
                    revision, revoke(store, lease).getLeaseRevoke().getHeader().getRevision());
        }
    }

    @Test
    void aKeyFollowsTheLeaseOfItsLatestPut() throws Exception {
        try (StoreFixture store = new StoreFixture(dir)) {
            grant(store, 1, 30);
            grant(store, 2, 30);
            putWithLease(store, "k", 1);
            putWithLease(store, "k", 2);
            assertEquals(List.of(), store.store().lease(RANGE, 1).orElseThrow().keys());
            assertEquals(
                    List.of(bytes("k")),
                    store.store().lease(RANGE, 2).orElseThrow().keys());
            store.apply(Command.newBuilder()
                    .setPut(PutRequest.newBuilder()
                            .setKey(bytes("k"))
                            .setValue(bytes("v2"))
                            .setIgnoreLease(true))
                    .build());
            assertEquals(2, store.get("k").getKvs(0).getLease());
            store.put("k", "no lease");
            assertEquals(List.of(), store.store().lease(RANGE, 2).orElseThrow().keys());
            putWithLease(store, "k", 2);
            store.delete("k", "");
            assertEquals(List.of(), store.store().lease(RANGE, 2).orElseThrow().keys());
            revoke(store, 2);
            assertEquals(0, store.get("k").getCount());
        }
    }

    @Test
    void unknownAndDuplicateLeasesAreRefusedWithEtcdsReasons() throws Exception {
        try (StoreFixture store = new StoreFixture(dir)) {
            assertEquals(
                    Rejection.Kind.LEASE_NOT_FOUND,
                    putWithLease(store, "k", 99).getRejection().getKind());
            assertEquals(
                    Rejection.Kind.LEASE_NOT_FOUND,
                    revoke(store, 99).getRejection().getKind());
            grant(store, 5, 10);
            assertEquals(
                    Rejection.Kind.LEASE_EXISTS,
                    grant(store, 5, 10).getRejection().getKind());
            assertEquals(0, store.get("k").getCount());
        }
    }

    @Test
    void leasesSurviveARestartAndReachTheLeaseClock() throws Exception {
        try (StoreFixture store = new StoreFixture(dir)) {
            long lease = grant(store, 0, 42).getLeaseGrant().getID();
            putWithLease(store, "k", lease);
            store.reopen();
            assertEquals(
                    List.of(new LeaseChange.Granted(lease, 42)), store.store().leases(RANGE));
            assertEquals(
                    List.of(bytes("k")),
                    store.store().lease(RANGE, lease).orElseThrow().keys());
            assertEquals(42, store.store().leaseClock(RANGE).renew(lease));
        }
    }

    @Test
    void serverChosenIdsAreTheSameOnEveryReplica() throws Exception {
        long first;
        try (StoreFixture store = new StoreFixture(dir.resolve("one"))) {
            first = grant(store, 0, 10).getLeaseGrant().getID();
        }
        try (StoreFixture store = new StoreFixture(dir.resolve("two"))) {
            assertEquals(first, grant(store, 0, 10).getLeaseGrant().getID());
        }
    }

    static CommandResult grant(StoreFixture store, long id, long ttl) {
        return store.apply(Command.newBuilder()
                .setLeaseGrant(LeaseGrantRequest.newBuilder().setID(id).setTTL(ttl))
                .build());
    }

    static CommandResult revoke(StoreFixture store, long id) {
        return store.apply(Command.newBuilder()
                .setLeaseRevoke(LeaseRevokeRequest.newBuilder().setID(id))
                .build());
    }

    static CommandResult putWithLease(StoreFixture store, String key, long lease) {
        return store.apply(Command.newBuilder()
                .setPut(PutRequest.newBuilder()
                        .setKey(bytes(key))
                        .setValue(bytes("v"))
                        .setLease(lease))
                .build());
    }

    static KeySpan everything() {
        return KeySpan.of(bytes(""), ByteString.copyFrom(new byte[] {0}));
    }
}
