package dev.flotilla.kv.auth;

import dev.flotilla.kv.KeySpan;
import dev.flotilla.kv.command.AuthState;
import dev.flotilla.kv.command.StoredUser;
import dev.flotilla.kv.etcd.authpb.Permission;
import dev.flotilla.kv.etcd.authpb.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The cluster's auth state as one node has applied it, indexed for lookups: immutable, so any thread may read it
 * while the driver thread installs the next one. The {@code root} role (and so the {@code root} user, once granted
 * it) has every permission, as in etcd.
 */
public final class AuthView {
    public static final String ROOT = "root";

    private final AuthState state;
    private final Map<String, StoredUser> users = new TreeMap<>();
    private final Map<String, Role> roles = new TreeMap<>();

    public AuthView(AuthState state) {
        this.state = state;
        state.getUsersList().forEach(user -> users.put(user.getName(), user));
        state.getRolesList().forEach(role -> roles.put(role.getName().toStringUtf8(), role));
    }

    public AuthState state() {
        return state;
    }

    public boolean enabled() {
        return state.getEnabled();
    }

    public long revision() {
        return state.getRevision();
    }

    public Optional<StoredUser> user(String name) {
        return Optional.ofNullable(users.get(name));
    }

    public Optional<Role> role(String name) {
        return Optional.ofNullable(roles.get(name));
    }

    /** User names in order. */
    public List<String> userNames() {
        return List.copyOf(users.keySet());
    }

    /** Role names in order. */
    public List<String> roleNames() {
        return List.copyOf(roles.keySet());
    }

    /** Whether {@code user} exists and has the root role. */
    public boolean isRoot(String user) {
        return user(user).map(u -> u.getRolesList().contains(ROOT)).orElse(false);
    }

    /** Whether {@code user} may read ({@code READ}) or write ({@code WRITE}) every key of {@code span}. */
    public boolean permits(String user, Permission.Type type, KeySpan span) {
        Optional<StoredUser> stored = user(user);
        if (stored.isEmpty()) {
            return false;
        }
        if (stored.get().getRolesList().contains(ROOT)) {
            return true;
        }
        List<Permission> permissions = new ArrayList<>();
        for (String name : stored.get().getRolesList()) {
            role(name).ifPresent(role -> permissions.addAll(role.getKeyPermissionList()));
        }
        return Permissions.covers(permissions, type, span);
    }
}
