package dev.flotilla.kv.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.RejectedRequestException;
import dev.flotilla.kv.command.AuthCommand;
import dev.flotilla.kv.command.AuthEnable;
import dev.flotilla.kv.command.AuthState;
import dev.flotilla.kv.command.Rejection;
import dev.flotilla.kv.command.StoredUser;
import dev.flotilla.kv.etcd.authpb.Permission;
import dev.flotilla.kv.etcd.etcdserverpb.AuthRoleAddRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthRoleDeleteRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthRoleGrantPermissionRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthRoleRevokePermissionRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthUserDeleteRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthUserGrantRoleRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthUserRevokeRoleRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthChangesTest {
    private static final AuthCommand ENABLE = AuthCommand.newBuilder()
            .setEnable(AuthEnable.newBuilder().setTokenKey(ByteString.copyFrom(new byte[32])))
            .build();

    private static AuthCommand addUser(String name) {
        return AuthCommand.newBuilder()
                .setUserAdd(StoredUser.newBuilder().setName(name).setNoPassword(true))
                .build();
    }

    private static AuthCommand grant(String user, String role) {
        return AuthCommand.newBuilder()
                .setUserGrantRole(
                        AuthUserGrantRoleRequest.newBuilder().setUser(user).setRole(role))
                .build();
    }

    private static AuthCommand addRole(String name) {
        return AuthCommand.newBuilder()
                .setRoleAdd(AuthRoleAddRequest.newBuilder().setName(name))
                .build();
    }

    private static void refused(AuthState state, AuthCommand command, Rejection.Kind kind, String message) {
        RejectedRequestException e =
                assertThrows(RejectedRequestException.class, () -> AuthChanges.apply(state, command));
        assertEquals(kind, e.rejection().getKind());
        assertEquals(message, e.getMessage());
    }

    @Test
    void enablingNeedsARootUserWithTheRootRole() {
        AuthState empty = AuthState.getDefaultInstance();
        refused(empty, ENABLE, Rejection.Kind.AUTH_CONFLICT, AuthMessages.ROOT_USER_NOT_EXIST);
        AuthState root = AuthChanges.apply(empty, addUser("root"));
        refused(root, ENABLE, Rejection.Kind.AUTH_CONFLICT, AuthMessages.ROOT_ROLE_NOT_EXIST);
        AuthState enabled = AuthChanges.apply(AuthChanges.apply(root, grant("root", "root")), ENABLE);
        assertTrue(enabled.getEnabled());
        assertEquals(3, enabled.getRevision());
        assertEquals(enabled, AuthChanges.apply(enabled, ENABLE), "enabling again changes nothing");
    }

    @Test
    void rootCannotLoseRootWhileAuthIsOn() {
        AuthState enabled = AuthChanges.apply(
                AuthChanges.apply(
                        AuthChanges.apply(AuthState.getDefaultInstance(), addUser("root")), grant("root", "root")),
                ENABLE);
        refused(
                enabled,
                AuthCommand.newBuilder()
                        .setUserDelete(AuthUserDeleteRequest.newBuilder().setName("root"))
                        .build(),
                Rejection.Kind.AUTH_INVALID,
                AuthMessages.INVALID_AUTH_MGMT);
        refused(
                enabled,
                AuthCommand.newBuilder()
                        .setUserRevokeRole(AuthUserRevokeRoleRequest.newBuilder()
                                .setName("root")
                                .setRole("root"))
                        .build(),
                Rejection.Kind.AUTH_INVALID,
                AuthMessages.INVALID_AUTH_MGMT);
        refused(
                enabled,
                AuthCommand.newBuilder()
                        .setRoleDelete(AuthRoleDeleteRequest.newBuilder().setRole("root"))
                        .build(),
                Rejection.Kind.AUTH_INVALID,
                AuthMessages.INVALID_AUTH_MGMT);
    }

    @Test
    void usersRolesAndPermissionsFollowEtcdsRules() {
        AuthState state = AuthChanges.apply(AuthState.getDefaultInstance(), addUser("alice"));
        refused(state, addUser("alice"), Rejection.Kind.AUTH_CONFLICT, AuthMessages.USER_ALREADY_EXIST);
        refused(state, addUser(""), Rejection.Kind.AUTH_INVALID, AuthMessages.USER_EMPTY);
        refused(state, grant("alice", "reader"), Rejection.Kind.AUTH_CONFLICT, AuthMessages.ROLE_NOT_FOUND);
        refused(state, grant("bob", "reader"), Rejection.Kind.AUTH_CONFLICT, AuthMessages.USER_NOT_FOUND);
        state = AuthChanges.apply(state, addRole("reader"));
        refused(state, addRole("reader"), Rejection.Kind.AUTH_CONFLICT, AuthMessages.ROLE_ALREADY_EXIST);
        state = AuthChanges.apply(state, grant("alice", "reader"));
        Permission read = Permission.newBuilder()
                .setPermType(Permission.Type.READ)
                .setKey(ByteString.copyFromUtf8("a"))
                .setRangeEnd(ByteString.copyFromUtf8("b"))
                .build();
        AuthCommand grantRead = AuthCommand.newBuilder()
                .setRoleGrantPermission(AuthRoleGrantPermissionRequest.newBuilder()
                        .setName("reader")
                        .setPerm(read))
                .build();
        state = AuthChanges.apply(state, grantRead);
        state = AuthChanges.apply(
                state,
                grantRead.toBuilder()
                        .setRoleGrantPermission(AuthRoleGrantPermissionRequest.newBuilder()
                                .setName("reader")
                                .setPerm(read.toBuilder().setPermType(Permission.Type.READWRITE)))
                        .build());
        AuthView view = new AuthView(state);
        assertEquals(1, view.role("reader").orElseThrow().getKeyPermissionCount(), "same span: replaced");
        assertTrue(view.permits(
                "alice",
                Permission.Type.WRITE,
                dev.flotilla.kv.KeySpan.of(ByteString.copyFromUtf8("a1"), ByteString.EMPTY)));
        AuthCommand revokeOther = AuthCommand.newBuilder()
                .setRoleRevokePermission(AuthRoleRevokePermissionRequest.newBuilder()
                        .setRole("reader")
                        .setKey(ByteString.copyFromUtf8("a")))
                .build();
        refused(state, revokeOther, Rejection.Kind.AUTH_CONFLICT, AuthMessages.PERMISSION_NOT_GRANTED);
        state = AuthChanges.apply(
                state,
                AuthCommand.newBuilder()
                        .setRoleDelete(AuthRoleDeleteRequest.newBuilder().setRole("reader"))
                        .build());
        assertEquals(List.of(), new AuthView(state).user("alice").orElseThrow().getRolesList());
        refused(
                state,
                AuthCommand.newBuilder()
                        .setUserRevokeRole(AuthUserRevokeRoleRequest.newBuilder()
                                .setName("alice")
                                .setRole("reader"))
                        .build(),
                Rejection.Kind.AUTH_CONFLICT,
                AuthMessages.ROLE_NOT_GRANTED);
    }
}
