package dev.flotilla.kv.grpc;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.KvStore;
import dev.flotilla.kv.RangeMap;
import dev.flotilla.kv.auth.AuthMessages;
import dev.flotilla.kv.auth.AuthView;
import dev.flotilla.kv.auth.FailedLogins;
import dev.flotilla.kv.auth.Passwords;
import dev.flotilla.kv.auth.Tokens;
import dev.flotilla.kv.command.AuthCommand;
import dev.flotilla.kv.command.AuthEnable;
import dev.flotilla.kv.command.Command;
import dev.flotilla.kv.command.StoredUser;
import dev.flotilla.kv.etcd.etcdserverpb.AuthDisableRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthDisableResponse;
import dev.flotilla.kv.etcd.etcdserverpb.AuthEnableRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthEnableResponse;
import dev.flotilla.kv.etcd.etcdserverpb.AuthGrpc;
import dev.flotilla.kv.etcd.etcdserverpb.AuthRoleAddRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthRoleAddResponse;
import dev.flotilla.kv.etcd.etcdserverpb.AuthRoleDeleteRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthRoleDeleteResponse;
import dev.flotilla.kv.etcd.etcdserverpb.AuthRoleGetRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthRoleGetResponse;
import dev.flotilla.kv.etcd.etcdserverpb.AuthRoleGrantPermissionRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthRoleGrantPermissionResponse;
import dev.flotilla.kv.etcd.etcdserverpb.AuthRoleListRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthRoleListResponse;
import dev.flotilla.kv.etcd.etcdserverpb.AuthRoleRevokePermissionRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthRoleRevokePermissionResponse;
import dev.flotilla.kv.etcd.etcdserverpb.AuthStatusRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthStatusResponse;
import dev.flotilla.kv.etcd.etcdserverpb.AuthUserAddRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthUserAddResponse;
import dev.flotilla.kv.etcd.etcdserverpb.AuthUserChangePasswordRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthUserChangePasswordResponse;
import dev.flotilla.kv.etcd.etcdserverpb.AuthUserDeleteRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthUserDeleteResponse;
import dev.flotilla.kv.etcd.etcdserverpb.AuthUserGetRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthUserGetResponse;
import dev.flotilla.kv.etcd.etcdserverpb.AuthUserGrantRoleRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthUserGrantRoleResponse;
import dev.flotilla.kv.etcd.etcdserverpb.AuthUserListRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthUserListResponse;
import dev.flotilla.kv.etcd.etcdserverpb.AuthUserRevokeRoleRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthUserRevokeRoleResponse;
import dev.flotilla.kv.etcd.etcdserverpb.AuthenticateRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthenticateResponse;
import dev.flotilla.kv.etcd.etcdserverpb.ResponseHeader;
import dev.flotilla.runtime.RaftNode;
import io.grpc.stub.StreamObserver;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * etcd's Auth service. Changes (enable, disable, users, roles, permissions) are Raft commands of the first range,
 * checked against the auth state by {@link dev.flotilla.kv.auth.AuthChanges} as they apply, so every replica decides
 * the same; passwords are hashed here, on the node that takes the request, before anything is proposed. Reads
 * (UserGet/List, RoleGet/List, AuthStatus) and Authenticate first wait until this node has applied every change
 * acknowledged before the call (a linearizable read of the first range), so a user added through one node can log in
 * through any other at once.
 *
 * <p>Once auth is on, every call but Authenticate and AuthStatus needs the root role, except that a user may read
 * itself and the roles it has, as in etcd. Hashing runs on the client pool, never on a gRPC or Raft thread.
 */
final class AuthService extends AuthGrpc.AuthImplBase {
    private static final long RANGE = RangeMap.FIRST_RANGE;
    private static final int TOKEN_KEY_BYTES = 32;

    private final RaftNode node;
    private final KvStore store;
    private final RangeWrites writes;
    private final ResponseHeaders headers;
    private final Replies replies;
    private final AccessControl access;
    private final Passwords passwords;
    private final Tokens tokens;
    private final FailedLogins failedLogins;
    private final Executor executor;
    private final SecureRandom random = new SecureRandom();

    AuthService(
            RaftNode node,
            KvStore store,
            ResponseHeaders headers,
            Replies replies,
            AccessControl access,
            Passwords passwords,
            Tokens tokens,
            FailedLogins failedLogins,
            Executor executor) {
        this.node = node;
        this.store = store;
        this.writes = new RangeWrites(node, headers);
        this.headers = headers;
        this.replies = replies;
        this.access = access;
        this.passwords = passwords;
        this.tokens = tokens;
        this.failedLogins = failedLogins;
        this.executor = executor;
    }

    @Override
    public void authEnable(AuthEnableRequest request, StreamObserver<AuthEnableResponse> observer) {
        byte[] key = new byte[TOKEN_KEY_BYTES];
        random.nextBytes(key);
        change(
                AuthCommand.newBuilder()
                        .setEnable(AuthEnable.newBuilder().setTokenKey(ByteString.copyFrom(key)))
                        .build(),
                header -> AuthEnableResponse.newBuilder().setHeader(header).build(),
                observer);
    }

    @Override
    public void authDisable(AuthDisableRequest request, StreamObserver<AuthDisableResponse> observer) {
        change(
                AuthCommand.newBuilder().setDisable(request).build(),
                header -> AuthDisableResponse.newBuilder().setHeader(header).build(),
                observer);
    }

    @Override
    public void authStatus(AuthStatusRequest request, StreamObserver<AuthStatusResponse> observer) {
        read(
                auth -> AuthStatusResponse.newBuilder()
                        .setHeader(header())
                        .setEnabled(auth.enabled())
                        .setAuthRevision(auth.revision())
                        .build(),
                observer);
    }

    @Override
    public void authenticate(AuthenticateRequest request, StreamObserver<AuthenticateResponse> observer) {
        String remote = Caller.current().remote();
        replies.send(
                () -> node.awaitLinearizable(RANGE)
                        .thenApplyAsync(
                                ignored -> {
                                    AuthView auth = access.auth();
                                    if (!auth.enabled()) {
                                        throw EtcdErrors.failedPrecondition(AuthMessages.AUTH_NOT_ENABLED);
                                    }
                                    StoredUser user = auth.user(request.getName())
                                            .filter(u -> Passwords.matches(u, request.getPassword()))
                                            .orElseThrow(() -> {
                                                failedLogins.failed(remote, request.getName());
                                                return EtcdErrors.invalidArgument(AuthMessages.AUTH_FAILED);
                                            });
                                    return AuthenticateResponse.newBuilder()
                                            .setHeader(header())
                                            .setToken(tokens.issue(auth, user))
                                            .build();
                                },
                                executor),
                observer);
    }

    @Override
    public void userAdd(AuthUserAddRequest request, StreamObserver<AuthUserAddResponse> observer) {
        replies.send(
                () -> {
                    access.requireRoot();
                    if (request.getName().isEmpty()) {
                        throw EtcdErrors.invalidArgument(AuthMessages.USER_EMPTY);
                    }
                    return CompletableFuture.supplyAsync(() -> storedUser(request), executor)
                            .thenCompose(user -> propose(
                                    AuthCommand.newBuilder().setUserAdd(user).build()))
                            .thenApply(header -> AuthUserAddResponse.newBuilder()
                                    .setHeader(header)
                                    .build());
                },
                observer);
    }

    private StoredUser storedUser(AuthUserAddRequest request) {
        if (request.getOptions().getNoPassword()) {
            return StoredUser.newBuilder()
                    .setName(request.getName())
                    .setNoPassword(true)
                    .build();
        }
        return passwords.hashed(request.getName(), request.getPassword());
    }

    @Override
    public void userChangePassword(
            AuthUserChangePasswordRequest request, StreamObserver<AuthUserChangePasswordResponse> observer) {
        replies.send(
                () -> {
                    access.requireRoot();
                    return CompletableFuture.supplyAsync(
                                    () -> passwords.hashed(request.getName(), request.getPassword()), executor)
                            .thenCompose(user -> propose(AuthCommand.newBuilder()
                                    .setUserChangePassword(user)
                                    .build()))
                            .thenApply(header -> AuthUserChangePasswordResponse.newBuilder()
                                    .setHeader(header)
                                    .build());
                },
                observer);
    }

    @Override
    public void userDelete(AuthUserDeleteRequest request, StreamObserver<AuthUserDeleteResponse> observer) {
        change(
                AuthCommand.newBuilder().setUserDelete(request).build(),
                header -> AuthUserDeleteResponse.newBuilder().setHeader(header).build(),
                observer);
    }

    @Override
    public void userGrantRole(AuthUserGrantRoleRequest request, StreamObserver<AuthUserGrantRoleResponse> observer) {
        change(
                AuthCommand.newBuilder().setUserGrantRole(request).build(),
                header ->
                        AuthUserGrantRoleResponse.newBuilder().setHeader(header).build(),
                observer);
    }

    @Override
    public void userRevokeRole(AuthUserRevokeRoleRequest request, StreamObserver<AuthUserRevokeRoleResponse> observer) {
        change(
                AuthCommand.newBuilder().setUserRevokeRole(request).build(),
                header -> AuthUserRevokeRoleResponse.newBuilder()
                        .setHeader(header)
                        .build(),
                observer);
    }

    @Override
    public void roleAdd(AuthRoleAddRequest request, StreamObserver<AuthRoleAddResponse> observer) {
        change(
                AuthCommand.newBuilder().setRoleAdd(request).build(),
                header -> AuthRoleAddResponse.newBuilder().setHeader(header).build(),
                observer);
    }

    @Override
    public void roleDelete(AuthRoleDeleteRequest request, StreamObserver<AuthRoleDeleteResponse> observer) {
        change(
                AuthCommand.newBuilder().setRoleDelete(request).build(),
                header -> AuthRoleDeleteResponse.newBuilder().setHeader(header).build(),
                observer);
    }

    @Override
    public void roleGrantPermission(
            AuthRoleGrantPermissionRequest request, StreamObserver<AuthRoleGrantPermissionResponse> observer) {
        change(
                AuthCommand.newBuilder().setRoleGrantPermission(request).build(),
                header -> AuthRoleGrantPermissionResponse.newBuilder()
                        .setHeader(header)
                        .build(),
                observer);
    }

    @Override
    public void roleRevokePermission(
            AuthRoleRevokePermissionRequest request, StreamObserver<AuthRoleRevokePermissionResponse> observer) {
        change(
                AuthCommand.newBuilder().setRoleRevokePermission(request).build(),
                header -> AuthRoleRevokePermissionResponse.newBuilder()
                        .setHeader(header)
                        .build(),
                observer);
    }

    @Override
    public void userGet(AuthUserGetRequest request, StreamObserver<AuthUserGetResponse> observer) {
        readChecked(
                () -> access.user().map(request.getName()::equals).orElse(false),
                auth -> AuthUserGetResponse.newBuilder()
                        .setHeader(header())
                        .addAllRoles(auth.user(request.getName())
                                .orElseThrow(() -> EtcdErrors.failedPrecondition(AuthMessages.USER_NOT_FOUND))
                                .getRolesList())
                        .build(),
                observer);
    }

    @Override
    public void userList(AuthUserListRequest request, StreamObserver<AuthUserListResponse> observer) {
        readChecked(
                () -> false,
                auth -> AuthUserListResponse.newBuilder()
                        .setHeader(header())
                        .addAllUsers(auth.userNames())
                        .build(),
                observer);
    }

    @Override
    public void roleGet(AuthRoleGetRequest request, StreamObserver<AuthRoleGetResponse> observer) {
        readChecked(
                () -> access.user()
                        .flatMap(access.auth()::user)
                        .map(user -> user.getRolesList().contains(request.getRole()))
                        .orElse(false),
                auth -> AuthRoleGetResponse.newBuilder()
                        .setHeader(header())
                        .addAllPerm(auth.role(request.getRole())
                                .orElseThrow(() -> EtcdErrors.failedPrecondition(AuthMessages.ROLE_NOT_FOUND))
                                .getKeyPermissionList())
                        .build(),
                observer);
    }

    @Override
    public void roleList(AuthRoleListRequest request, StreamObserver<AuthRoleListResponse> observer) {
        readChecked(
                () -> false,
                auth -> AuthRoleListResponse.newBuilder()
                        .setHeader(header())
                        .addAllRoles(auth.roleNames())
                        .build(),
                observer);
    }

    /** A read that needs root unless {@code allowed} says the caller may see it anyway. */
    private <T> void readChecked(BooleanSupplier allowed, Function<AuthView, T> answer, StreamObserver<T> observer) {
        replies.send(
                () -> {
                    if (!allowed.getAsBoolean()) {
                        access.requireRoot();
                    }
                    return linearizable(answer);
                },
                observer);
    }

    private <T> void read(Function<AuthView, T> answer, StreamObserver<T> observer) {
        replies.send(() -> linearizable(answer), observer);
    }

    private <T> CompletableFuture<T> linearizable(Function<AuthView, T> answer) {
        return node.awaitLinearizable(RANGE).thenApplyAsync(ignored -> answer.apply(access.auth()), executor);
    }

    /** A change that needs root (once auth is on), answered with a response built around the header. */
    private <T> void change(AuthCommand command, Function<ResponseHeader, T> response, StreamObserver<T> observer) {
        replies.send(
                () -> {
                    access.requireRoot();
                    return propose(command).thenApply(response);
                },
                observer);
    }

    private CompletableFuture<ResponseHeader> propose(AuthCommand command) {
        return writes.propose(RANGE, Command.newBuilder().setAuth(command).build())
                .thenApply(ignored -> header());
    }

    private ResponseHeader header() {
        return headers.at(RANGE, store.watchHub(RANGE).revision());
    }
}
