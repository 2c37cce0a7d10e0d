package dev.flotilla.kv.auth;

import static dev.flotilla.kv.auth.AuthMessages.*;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.RejectedRequestException;
import dev.flotilla.kv.command.AuthCommand;
import dev.flotilla.kv.command.AuthState;
import dev.flotilla.kv.command.Rejection;
import dev.flotilla.kv.command.StoredUser;
import dev.flotilla.kv.etcd.authpb.Permission;
import dev.flotilla.kv.etcd.authpb.Role;
import dev.flotilla.kv.etcd.etcdserverpb.AuthRoleGrantPermissionRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthRoleRevokePermissionRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * etcd's rules for changing the auth state: one {@link AuthCommand} turns one state into the next, or is refused
 * with etcd's error (and changes nothing). Pure: the state machine applies it to the stored state on every replica,
 * so every node decides the same. Every change that does something counts one auth revision; a change that finds
 * its effect already in place (enabling twice, granting a granted role) changes nothing.
 */
public final class AuthChanges {
    private AuthChanges() {}

    public static AuthState apply(AuthState state, AuthCommand command) {
        AuthView view = new AuthView(state);
        AuthState.Builder next = state.toBuilder();
        boolean changed =
                switch (command.getChangeCase()) {
                    case ENABLE -> enable(view, next, command.getEnable().getTokenKey());
                    case DISABLE -> {
                        boolean was = state.getEnabled();
                        next.setEnabled(false);
                        yield was;
                    }
                    case USER_ADD -> addUser(view, next, command.getUserAdd());
                    case USER_DELETE ->
                        deleteUser(view, next, command.getUserDelete().getName());
                    case USER_CHANGE_PASSWORD -> changePassword(view, next, command.getUserChangePassword());
                    case USER_GRANT_ROLE ->
                        grantRole(
                                view,
                                next,
                                command.getUserGrantRole().getUser(),
                                command.getUserGrantRole().getRole());
                    case USER_REVOKE_ROLE ->
                        revokeRole(
                                view,
                                next,
                                command.getUserRevokeRole().getName(),
                                command.getUserRevokeRole().getRole());
                    case ROLE_ADD -> addRole(view, next, command.getRoleAdd().getName());
                    case ROLE_DELETE ->
                        deleteRole(view, next, command.getRoleDelete().getRole());
                    case ROLE_GRANT_PERMISSION -> grantPermission(view, next, command.getRoleGrantPermission());
                    case ROLE_REVOKE_PERMISSION -> revokePermission(view, next, command.getRoleRevokePermission());
                    case CHANGE_NOT_SET -> throw invalid("flotilla: empty auth command");
                };
        return changed ? next.setRevision(state.getRevision() + 1).build() : state;
    }

    private static boolean enable(AuthView view, AuthState.Builder next, ByteString tokenKey) {
        if (view.enabled()) {
            return false;
        }
        StoredUser root = view.user(AuthView.ROOT).orElseThrow(() -> conflict(ROOT_USER_NOT_EXIST));
        if (!root.getRolesList().contains(AuthView.ROOT)) {
            throw conflict(ROOT_ROLE_NOT_EXIST);
        }
        if (tokenKey.size() < 16) {
            throw invalid("flotilla: auth enable needs a token key of at least 16 bytes");
        }
        next.setEnabled(true).setTokenKey(tokenKey);
        return true;
    }

    private static boolean addUser(AuthView view, AuthState.Builder next, StoredUser user) {
        if (user.getName().isEmpty()) {
            throw invalid(USER_EMPTY);
        }
        if (view.user(user.getName()).isPresent()) {
            throw conflict(USER_ALREADY_EXIST);
        }
        next.addUsers(user.toBuilder().clearRoles());
        sortUsers(next);
        return true;
    }

    private static boolean deleteUser(AuthView view, AuthState.Builder next, String name) {
        if (view.enabled() && name.equals(AuthView.ROOT)) {
            throw invalid(INVALID_AUTH_MGMT);
        }
        view.user(name).orElseThrow(() -> conflict(USER_NOT_FOUND));
        replaceUsers(
                next,
                next.getUsersList().stream()
                        .filter(u -> !u.getName().equals(name))
                        .toList());
        return true;
    }

    private static boolean changePassword(AuthView view, AuthState.Builder next, StoredUser password) {
        StoredUser user = view.user(password.getName()).orElseThrow(() -> conflict(USER_NOT_FOUND));
        replaceUser(
                next,
                user.toBuilder()
                        .setSalt(password.getSalt())
                        .setHash(password.getHash())
                        .setIterations(password.getIterations())
                        .setNoPassword(password.getNoPassword())
                        .build());
        return true;
    }

    private static boolean grantRole(AuthView view, AuthState.Builder next, String name, String role) {
        StoredUser user = view.user(name).orElseThrow(() -> conflict(USER_NOT_FOUND));
        if (!role.equals(AuthView.ROOT) && view.role(role).isEmpty()) {
            throw conflict(ROLE_NOT_FOUND);
        }
        if (user.getRolesList().contains(role)) {
            return false;
        }
        List<String> roles = new ArrayList<>(user.getRolesList());
        roles.add(role);
        roles.sort(Comparator.naturalOrder());
        replaceUser(next, user.toBuilder().clearRoles().addAllRoles(roles).build());
        return true;
    }

    private static boolean revokeRole(AuthView view, AuthState.Builder next, String name, String role) {
        if (view.enabled() && name.equals(AuthView.ROOT) && role.equals(AuthView.ROOT)) {
            throw invalid(INVALID_AUTH_MGMT);
        }
        StoredUser user = view.user(name).orElseThrow(() -> conflict(USER_NOT_FOUND));
        if (!user.getRolesList().contains(role)) {
            throw conflict(ROLE_NOT_GRANTED);
        }
        replaceUser(next, withoutRole(user, role));
        return true;
    }

    private static boolean addRole(AuthView view, AuthState.Builder next, String name) {
        if (name.isEmpty()) {
            throw invalid(ROLE_EMPTY);
        }
        if (view.role(name).isPresent()) {
            throw conflict(ROLE_ALREADY_EXIST);
        }
        next.addRoles(Role.newBuilder().setName(ByteString.copyFromUtf8(name)));
        sortRoles(next);
        return true;
    }

    private static boolean deleteRole(AuthView view, AuthState.Builder next, String name) {
        if (view.enabled() && name.equals(AuthView.ROOT)) {
            throw invalid(INVALID_AUTH_MGMT);
        }
        view.role(name).orElseThrow(() -> conflict(ROLE_NOT_FOUND));
        List<Role> roles = next.getRolesList().stream()
                .filter(r -> !r.getName().toStringUtf8().equals(name))
                .toList();
        next.clearRoles().addAllRoles(roles);
        replaceUsers(
                next,
                next.getUsersList().stream().map(u -> withoutRole(u, name)).toList());
        return true;
    }

    private static boolean grantPermission(
            AuthView view, AuthState.Builder next, AuthRoleGrantPermissionRequest grant) {
        Role role = view.role(grant.getName()).orElseThrow(() -> conflict(ROLE_NOT_FOUND));
        Permission permission = grant.getPerm();
        List<Permission> permissions = new ArrayList<>(role.getKeyPermissionList().stream()
                .filter(p -> !sameSpan(p, permission.getKey(), permission.getRangeEnd()))
                .toList());
        permissions.add(permission);
        permissions.sort(Comparator.comparing(Permission::getKey, ByteString.unsignedLexicographicalComparator())
                .thenComparing(Permission::getRangeEnd, ByteString.unsignedLexicographicalComparator()));
        replaceRole(
                next,
                role.toBuilder()
                        .clearKeyPermission()
                        .addAllKeyPermission(permissions)
                        .build());
        return true;
    }

    private static boolean revokePermission(
            AuthView view, AuthState.Builder next, AuthRoleRevokePermissionRequest revoke) {
        Role role = view.role(revoke.getRole()).orElseThrow(() -> conflict(ROLE_NOT_FOUND));
        List<Permission> kept = role.getKeyPermissionList().stream()
                .filter(p -> !sameSpan(p, revoke.getKey(), revoke.getRangeEnd()))
                .toList();
        if (kept.size() == role.getKeyPermissionCount()) {
            throw conflict(PERMISSION_NOT_GRANTED);
        }
        replaceRole(
                next,
                role.toBuilder().clearKeyPermission().addAllKeyPermission(kept).build());
        return true;
    }

    private static boolean sameSpan(Permission permission, ByteString key, ByteString rangeEnd) {
        return permission.getKey().equals(key) && permission.getRangeEnd().equals(rangeEnd);
    }

    private static StoredUser withoutRole(StoredUser user, String role) {
        return user.toBuilder()
                .clearRoles()
                .addAllRoles(user.getRolesList().stream()
                        .filter(r -> !r.equals(role))
                        .toList())
                .build();
    }

    private static void replaceUser(AuthState.Builder next, StoredUser user) {
        replaceUsers(
                next,
                next.getUsersList().stream()
                        .map(u -> u.getName().equals(user.getName()) ? user : u)
                        .toList());
    }

    private static void replaceUsers(AuthState.Builder next, List<StoredUser> users) {
        next.clearUsers().addAllUsers(users);
    }

    private static void sortUsers(AuthState.Builder next) {
        List<StoredUser> users = new ArrayList<>(next.getUsersList());
        users.sort(Comparator.comparing(StoredUser::getName));
        replaceUsers(next, users);
    }

    private static void replaceRole(AuthState.Builder next, Role role) {
        List<Role> roles = next.getRolesList().stream()
                .map(r -> r.getName().equals(role.getName()) ? role : r)
                .toList();
        next.clearRoles().addAllRoles(roles);
    }

    private static void sortRoles(AuthState.Builder next) {
        List<Role> roles = new ArrayList<>(next.getRolesList());
        roles.sort(Comparator.comparing(r -> r.getName().toStringUtf8()));
        next.clearRoles().addAllRoles(roles);
    }

    private static RejectedRequestException conflict(String message) {
        return new RejectedRequestException(Rejection.Kind.AUTH_CONFLICT, message);
    }

    private static RejectedRequestException invalid(String message) {
        return new RejectedRequestException(Rejection.Kind.AUTH_INVALID, message);
    }
}
