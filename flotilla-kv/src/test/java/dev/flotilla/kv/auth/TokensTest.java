package dev.flotilla.kv.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.command.AuthCommand;
import dev.flotilla.kv.command.AuthEnable;
import dev.flotilla.kv.command.AuthState;
import dev.flotilla.kv.command.StoredUser;
import dev.flotilla.kv.etcd.etcdserverpb.AuthUserDeleteRequest;
import dev.flotilla.kv.etcd.etcdserverpb.AuthUserGrantRoleRequest;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokensTest {
    private static final Passwords PASSWORDS = new Passwords(10_000);

    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private final Tokens tokens = new Tokens(Duration.ofSeconds(300), now::get);

    private static AuthState enabledWith(String... users) {
        AuthState state = AuthState.getDefaultInstance();
        state = AuthChanges.apply(state, add(AuthView.ROOT, "rootpw"));
        state = AuthChanges.apply(
                state,
                AuthCommand.newBuilder()
                        .setUserGrantRole(AuthUserGrantRoleRequest.newBuilder()
                                .setUser(AuthView.ROOT)
                                .setRole(AuthView.ROOT))
                        .build());
        for (String user : users) {
            state = AuthChanges.apply(state, add(user, user + "-pw"));
        }
        return AuthChanges.apply(state, enable((byte) 1));
    }

    private static AuthCommand add(String name, String password) {
        return AuthCommand.newBuilder()
                .setUserAdd(PASSWORDS.hashed(name, password))
                .build();
    }

    private static AuthCommand enable(byte keyByte) {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, keyByte);
        return AuthCommand.newBuilder()
                .setEnable(AuthEnable.newBuilder().setTokenKey(ByteString.copyFrom(key)))
                .build();
    }

    private static StoredUser user(AuthView auth, String name) {
        return auth.user(name).orElseThrow();
    }

    @Test
    void aTokenNamesItsUserOnAnyNodeWithTheSameStateUntilItExpires() {
        AuthView auth = new AuthView(enabledWith("alice"));
        String token = tokens.issue(auth, user(auth, "alice"));
        AuthView elsewhere = new AuthView(auth.state().toBuilder().build());
        assertEquals(Optional.of("alice"), tokens.verify(elsewhere, token));
        now.addAndGet(Duration.ofSeconds(299).toMillis());
        assertEquals(Optional.of("alice"), tokens.verify(auth, token));
        now.addAndGet(Duration.ofSeconds(1).toMillis());
        assertEquals(Optional.empty(), tokens.verify(auth, token), "expired");
    }

    @Test
    void forgedTokensAreRefused() {
        AuthView auth = new AuthView(enabledWith("alice", "bob"));
        String token = tokens.issue(auth, user(auth, "alice"));
        String[] parts = token.split("\\.");
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String asBob = parts[0] + "." + b64.encodeToString("bob".getBytes()) + "." + parts[2] + "." + parts[3];
        String later = parts[0] + "." + parts[1] + "." + (Long.parseLong(parts[2]) + 1) + "." + parts[3];
        byte[] mac = Base64.getUrlDecoder().decode(parts[3]);
        mac[0] ^= 1;
        String flipped = parts[0] + "." + parts[1] + "." + parts[2] + "." + b64.encodeToString(mac);
        for (String forged : new String[] {asBob, later, flipped, "", "v1.x.y.z", token + ".", "garbage"}) {
            assertEquals(Optional.empty(), tokens.verify(auth, forged), forged);
        }
        AuthView otherKey = new AuthView(AuthChanges.apply(
                AuthChanges.apply(
                        auth.state(),
                        AuthCommand.newBuilder()
                                .setDisable(dev.flotilla.kv.etcd.etcdserverpb.AuthDisableRequest.getDefaultInstance())
                                .build()),
                enable((byte) 2)));
        assertEquals(Optional.empty(), tokens.verify(otherKey, token), "signed with the key of an earlier enable");
    }

    @Test
    void changingThePasswordOrDeletingTheUserEndsItsTokens() {
        AuthView auth = new AuthView(enabledWith("alice", "bob"));
        String alice = tokens.issue(auth, user(auth, "alice"));
        String bob = tokens.issue(auth, user(auth, "bob"));
        AuthView changed = new AuthView(AuthChanges.apply(
                auth.state(),
                AuthCommand.newBuilder()
                        .setUserChangePassword(PASSWORDS.hashed("alice", "new"))
                        .build()));
        assertEquals(Optional.empty(), tokens.verify(changed, alice));
        assertEquals(Optional.of("bob"), tokens.verify(changed, bob));
        AuthView deleted = new AuthView(AuthChanges.apply(
                changed.state(),
                AuthCommand.newBuilder()
                        .setUserDelete(AuthUserDeleteRequest.newBuilder().setName("bob"))
                        .build()));
        assertEquals(Optional.empty(), tokens.verify(deleted, bob));
    }

    @Test
    void passwordsMatchOnlyTheirOwnHashAndSaltsDiffer() {
        StoredUser one = PASSWORDS.hashed("alice", "secret");
        StoredUser two = PASSWORDS.hashed("alice", "secret");
        assertTrue(Passwords.matches(one, "secret"));
        assertEquals(false, Passwords.matches(one, "Secret"));
        assertEquals(false, one.getSalt().equals(two.getSalt()), "a fresh salt per hash");
        assertEquals(false, one.getHash().equals(two.getHash()));
        assertEquals(10_000, one.getIterations());
    }
}
