package dev.flotilla.kv.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.kv.auth.AuthMessages;
import dev.flotilla.kv.command.AuthCommand;
import dev.flotilla.kv.command.Command;
import dev.flotilla.kv.command.CommandResult;
import dev.flotilla.kv.command.Rejection;
import dev.flotilla.kv.command.StoredUser;
import dev.flotilla.kv.etcd.etcdserverpb.AuthRoleAddRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Auth commands through the range's state machine against a real RocksDB: batches, refusals, snapshots, restarts. */
class AuthStateMachineTest {
    @TempDir
    Path dir;

    StoreFixture store;

    @BeforeEach
    void open() throws IOException {
        store = new StoreFixture(dir.resolve("store"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static Command addUser(String name) {
        return Command.newBuilder()
                .setAuth(AuthCommand.newBuilder()
                        .setUserAdd(StoredUser.newBuilder().setName(name).setNoPassword(true)))
                .build();
    }

    private static Command addRole(String name) {
        return Command.newBuilder()
                .setAuth(AuthCommand.newBuilder()
                        .setRoleAdd(AuthRoleAddRequest.newBuilder().setName(name)))
                .build();
    }

    @Test
    void aRefusedChangeInABatchChangesNothingAndTheOthersApply() {
        List<CommandResult> results = store.applyBatch(addUser("alice"), addUser("alice"), addRole("app"));
        assertEquals(1, results.get(0).getAuthRevision());
        assertEquals(Rejection.Kind.AUTH_CONFLICT, results.get(1).getRejection().getKind());
        assertEquals(
                AuthMessages.USER_ALREADY_EXIST, results.get(1).getRejection().getMessage());
        assertEquals(2, results.get(2).getAuthRevision(), "the refusal used no auth revision");
        assertEquals(List.of("alice"), store.store().auth(StoreFixture.RANGE).userNames());
        assertEquals(List.of("app"), store.store().auth(StoreFixture.RANGE).roleNames());
        assertEquals(1, store.get("nothing").getHeader().getRevision(), "auth changes create no KV revision");
    }

    @Test
    void theAuthStateSurvivesARestartAndTravelsInTheSnapshot() throws IOException {
        store.applyBatch(addUser("alice"), addRole("app"));
        store.put("k", "v");
        byte[] snapshot = store.machine().snapshot();
        try (StoreFixture replica = new StoreFixture(dir.resolve("replica"))) {
            replica.applyBatch(addUser("stale"));
            replica.machine().restore(snapshot, store.index());
            assertEquals(
                    store.store().auth(StoreFixture.RANGE).state(),
                    replica.store().auth(StoreFixture.RANGE).state(),
                    "the replica's auth state is the snapshot's, its own gone");
            replica.reopen();
            assertEquals(
                    List.of("alice"), replica.store().auth(StoreFixture.RANGE).userNames());
        }
        store.reopen();
        assertTrue(store.store().auth(StoreFixture.RANGE).user("alice").isPresent());
        assertEquals(2, store.store().auth(StoreFixture.RANGE).revision());
    }
}
