package dev.flotilla.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.auth.AuthMessages;
import dev.flotilla.kv.etcd.authpb.Permission;
import dev.flotilla.kv.etcd.etcdserverpb.AuthEnableRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.AuthRoleAddRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthRoleGrantPermissionRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthUserAddRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthUserGrantRoleRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthenticateRequest;
import dev.flotilla.kv.etcd.etcdserverpb.ClusterGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.Compare;
import dev.flotilla.kv.etcd.etcdserverpb.DeleteRangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.HashKVRequest;
import dev.flotilla.kv.etcd.etcdserverpb.KVGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.MaintenanceGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.MemberRemoveRequest;
import dev.flotilla.kv.etcd.etcdserverpb.PutRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RequestOp;
import dev.flotilla.kv.etcd.etcdserverpb.TxnRequest;
import dev.flotilla.kv.etcd.etcdserverpb.WatchCreateRequest;
import dev.flotilla.kv.etcd.etcdserverpb.WatchGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.WatchRequest;
import dev.flotilla.kv.etcd.etcdserverpb.WatchResponse;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auth on three real servers in this JVM, spoken to with the generated gRPC stubs and etcd's {@code token} metadata:
 * users and roles set up through one node, tokens used on every node, each service's checks, and etcd's codes and
 * messages for refusals. {@code alice} may read and write {@code app/}, read {@code shared/} and write {@code drop/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthClusterTest {
    @TempDir
    static Path dir;

    LocalCluster cluster;
    long leader;
    long follower;
    String alice;
    String root;

    @BeforeAll
    void start() throws Exception {
        cluster = new LocalCluster(dir, 3, LocalCluster.fastTiming());
        leader = cluster.awaitLeader();
        follower = leader == 1 ? 2 : 1;
        AuthGrpc.AuthBlockingStub auth = auth(follower);
        StatusRuntimeException noRoot = assertThrows(
                StatusRuntimeException.class, () -> auth.authEnable(AuthEnableRequest.getDefaultInstance()));
        assertStatus(Status.Code.FAILED_PRECONDITION, AuthMessages.ROOT_USER_NOT_EXIST, noRoot);
        auth.userAdd(AuthUserAddRequest.newBuilder()
                .setName("root")
                .setPassword("rootpw")
                .build());
        auth.userGrantRole(AuthUserGrantRoleRequest.newBuilder()
                .setUser("root")
                .setRole("root")
                .build());
        auth.userAdd(AuthUserAddRequest.newBuilder()
                .setName("alice")
                .setPassword("alicepw")
                .build());
        auth.roleAdd(AuthRoleAddRequest.newBuilder().setName("app").build());
        grant("app", Permission.Type.READWRITE, "app/", "app0");
        grant("app", Permission.Type.READ, "shared/", "shared0");
        grant("app", Permission.Type.WRITE, "drop/", "drop0");
        auth.userGrantRole(AuthUserGrantRoleRequest.newBuilder()
                .setUser("alice")
                .setRole("app")
                .build());
        cluster.kv(leader).put(put("secret", "s"));
        cluster.kv(leader).put(put("shared/x", "1"));
        auth.authEnable(AuthEnableRequest.getDefaultInstance());
        alice = token(leader, "alice", "alicepw");
        root = token(leader, "root", "rootpw");
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    private void grant(String role, Permission.Type type, String key, String rangeEnd) {
        auth(follower)
                .roleGrantPermission(AuthRoleGrantPermissionRequest.newBuilder()
                        .setName(role)
                        .setPerm(Permission.newBuilder()
                                .setPermType(type)
                                .setKey(bytes(key))
                                .setRangeEnd(bytes(rangeEnd)))
                        .build());
    }

    private AuthGrpc.AuthBlockingStub auth(long node) {
        return AuthGrpc.newBlockingStub(cluster.channel(node)).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private String token(long node, String user, String password) {
        return auth(node)
                .authenticate(AuthenticateRequest.newBuilder()
                        .setName(user)
                        .setPassword(password)
                        .build())
                .getToken();
    }

    private static <S extends AbstractStub<S>> S as(String token, S stub) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER), token);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private KVGrpc.KVBlockingStub kv(long node, String token) {
        return as(token, cluster.kv(node));
    }

    private static void assertStatus(Status.Code code, String message, StatusRuntimeException e) {
        assertEquals(code, e.getStatus().getCode(), e.toString());
        assertEquals(message, e.getStatus().getDescription());
    }

    private static void denied(org.junit.jupiter.api.function.Executable call) {
        assertStatus(
                Status.Code.PERMISSION_DENIED,
                AuthMessages.PERMISSION_DENIED,
                assertThrows(StatusRuntimeException.class, call));
    }

    @Test
    void aTokenIssuedByOneNodeWorksOnEveryNode() {
        for (long node = 1; node <= 3; node++) {
            kv(node, alice).put(put("app/from-" + node, "v"));
            assertEquals(1, kv(node, alice).range(get("app/from-" + node)).getCount());
        }
    }

    @Test
    void requestsWithoutCredentialsOrWithBadOnesAreRefused() {
        assertStatus(
                Status.Code.INVALID_ARGUMENT,
                AuthMessages.USER_EMPTY,
                assertThrows(
                        StatusRuntimeException.class, () -> cluster.kv(follower).range(get("app/a"))));
        assertStatus(
                Status.Code.INVALID_ARGUMENT,
                AuthMessages.AUTH_FAILED,
                assertThrows(StatusRuntimeException.class, () -> token(follower, "alice", "wrong")));
        assertStatus(
                Status.Code.INVALID_ARGUMENT,
                AuthMessages.AUTH_FAILED,
                assertThrows(StatusRuntimeException.class, () -> token(follower, "nobody", "alicepw")));
        String forged = alice.substring(0, alice.length() - 2) + (alice.endsWith("A") ? "BB" : "AA");
        assertStatus(
                Status.Code.UNAUTHENTICATED,
                AuthMessages.INVALID_AUTH_TOKEN,
                assertThrows(
                        StatusRuntimeException.class, () -> kv(follower, forged).range(get("app/a"))));
    }

    @Test
    void keysOutsideTheRolesAreDeniedAndRangesMustBeFullyPermitted() {
        denied(() -> kv(follower, alice).put(put("secret", "mine")));
        denied(() -> kv(follower, alice).range(get("secret")));
        denied(() -> kv(follower, alice).put(put("shared/x", "2")));
        assertEquals(1, kv(follower, alice).range(range("shared/", "shared0")).getCount());
        denied(() -> kv(follower, alice).range(range("app/", "shared0")));
        denied(() -> kv(follower, alice).range(range("app/", "\0")));
        denied(() -> kv(follower, alice)
                .deleteRange(DeleteRangeRequest.newBuilder()
                        .setKey(bytes("app/"))
                        .setRangeEnd(bytes("app1"))
                        .build()));
        assertEquals(
                "s",
                kv(follower, root).range(get("secret")).getKvs(0).getValue().toStringUtf8());
    }

    @Test
    void aPutWithPrevKvNeedsReadPermissionToo() {
        kv(follower, alice).put(put("drop/a", "1"));
        denied(() -> kv(follower, alice)
                .put(put("drop/a", "2").toBuilder().setPrevKv(true).build()));
    }

    @Test
    void aTxnIsCheckedOpByOpInBothBranchesAndNestedTxns() {
        RequestOp allowed =
                RequestOp.newBuilder().setRequestPut(put("app/t", "1")).build();
        RequestOp forbidden =
                RequestOp.newBuilder().setRequestPut(put("secret", "x")).build();
        TxnRequest nested = TxnRequest.newBuilder()
                .addSuccess(allowed)
                .addFailure(RequestOp.newBuilder()
                        .setRequestTxn(TxnRequest.newBuilder().addSuccess(forbidden)))
                .build();
        denied(() -> kv(follower, alice).txn(nested));
        TxnRequest compareOnSecret = TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder()
                        .setKey(bytes("secret"))
                        .setTarget(Compare.CompareTarget.VERSION)
                        .setResult(Compare.CompareResult.GREATER))
                .addSuccess(allowed)
                .build();
        denied(() -> kv(follower, alice).txn(compareOnSecret));
        assertEquals(
                "s",
                kv(follower, root).range(get("secret")).getKvs(0).getValue().toStringUtf8());
        assertTrue(kv(follower, alice)
                .txn(TxnRequest.newBuilder().addSuccess(allowed).build())
                .getSucceeded());
    }

    @Test
    void aWatchOnKeysTheUserCannotReadIsCanceledAtCreation() throws Exception {
        assertEquals(
                "rpc error: code = PermissionDenied desc = " + AuthMessages.PERMISSION_DENIED,
                firstWatchResponse(alice, "secret").getCancelReason());
        WatchResponse allowed = firstWatchResponse(alice, "app/w");
        assertTrue(allowed.getCreated() && !allowed.getCanceled(), allowed.toString());
    }

    private WatchResponse firstWatchResponse(String token, String key) throws Exception {
        CompletableFuture<WatchResponse> first = new CompletableFuture<>();
        StreamObserver<WatchRequest> requests = as(token, WatchGrpc.newStub(cluster.channel(follower)))
                .watch(new StreamObserver<>() {
                    @Override
                    public void onNext(WatchResponse response) {
                        first.complete(response);
                    }

                    @Override
                    public void onError(Throwable t) {
                        first.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {}
                });
        requests.onNext(WatchRequest.newBuilder()
                .setCreateRequest(WatchCreateRequest.newBuilder().setKey(bytes(key)))
                .build());
        try {
            return first.get(10, TimeUnit.SECONDS);
        } finally {
            requests.onCompleted();
        }
    }

    @Test
    void adminCallsNeedRootAndAFollowerForwardsThemWithTheCallersIdentity() {
        denied(() -> as(alice, MaintenanceGrpc.newBlockingStub(cluster.channel(follower)))
                .hashKV(HashKVRequest.getDefaultInstance()));
        denied(() -> as(alice, ClusterGrpc.newBlockingStub(cluster.channel(follower)))
                .memberRemove(MemberRemoveRequest.newBuilder().setID(99).build()));
        denied(() -> as(alice, auth(follower))
                .userAdd(AuthUserAddRequest.newBuilder()
                        .setName("mallory")
                        .setPassword("x")
                        .build()));
        // Root's removal of an unknown member goes to the leader, which checks the forwarded token and answers.
        StatusRuntimeException notFound = assertThrows(
                StatusRuntimeException.class, () -> as(root, ClusterGrpc.newBlockingStub(cluster.channel(follower)))
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .memberRemove(MemberRemoveRequest.newBuilder().setID(99).build()));
        assertStatus(Status.Code.NOT_FOUND, "etcdserver: member not found", notFound);
        as(root, MaintenanceGrpc.newBlockingStub(cluster.channel(follower))).hashKV(HashKVRequest.getDefaultInstance());
    }

    private static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static PutRequest put(String key, String value) {
        return PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build();
    }

    private static RangeRequest get(String key) {
        return RangeRequest.newBuilder().setKey(bytes(key)).build();
    }

    private static RangeRequest range(String key, String rangeEnd) {
        return RangeRequest.newBuilder()
                .setKey(bytes(key))
                .setRangeEnd(bytes(rangeEnd))
                .build();
    }
}
