package dev.flotilla.kv.auth;

import dev.flotilla.kv.command.StoredUser;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Auth tokens that every node can check without asking another: {@code v1.<user>.<expiry>.<mac>}, the user name in
 * base64url, the expiry in milliseconds since the epoch, and an HMAC-SHA256 over both and the user's password salt,
 * keyed with the cluster's token key. The key is part of the replicated auth state (chosen anew by each AuthEnable),
 * so a token issued by one node is good on all of them, and nothing is written per login.
 *
 * <p>A token stops working when it expires, when auth is enabled again (new key), when its user is deleted, or when
 * the user's password changes (new salt). Clients get {@code invalid auth token} and authenticate again, as they do
 * when an etcd "simple" token expires. Thread-safe.
 */
public final class Tokens {
    private static final String PREFIX = "v1";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final Duration ttl;
    private final LongSupplier clockMillis;

    /** @param clockMillis the wall clock (tokens are checked on other nodes than the one that issued them) */
    public Tokens(Duration ttl, LongSupplier clockMillis) {
        this.ttl = ttl;
        this.clockMillis = clockMillis;
    }

    /** A token for {@code user} that expires after the TTL. */
    public String issue(AuthView auth, StoredUser user) {
        long expiry = clockMillis.getAsLong() + ttl.toMillis();
        String name = ENCODER.encodeToString(user.getName().getBytes(StandardCharsets.UTF_8));
        return PREFIX + "." + name + "." + expiry + "." + ENCODER.encodeToString(mac(auth, user, expiry));
    }

    /** The user a token names, if the token is well-formed, unexpired and signed for that user's current state. */
    public Optional<String> verify(AuthView auth, String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 4
                || !parts[0].equals(PREFIX)
                || auth.state().getTokenKey().isEmpty()) {
            return Optional.empty();
        }
        try {
            String name = new String(DECODER.decode(parts[1]), StandardCharsets.UTF_8);
            long expiry = Long.parseLong(parts[2]);
            byte[] presented = DECODER.decode(parts[3]);
            if (expiry <= clockMillis.getAsLong()) {
                return Optional.empty();
            }
            return auth.user(name)
                    .filter(user -> MessageDigest.isEqual(mac(auth, user, expiry), presented))
                    .map(StoredUser::getName);
        } catch (IllegalArgumentException e) { // bad base64 or number
            return Optional.empty();
        }
    }

    private static byte[] mac(AuthView auth, StoredUser user, long expiry) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(auth.state().getTokenKey().toByteArray(), "HmacSHA256"));
            byte[] name = user.getName().getBytes(StandardCharsets.UTF_8);
            mac.update(ByteBuffer.allocate(4).putInt(name.length).array());
            mac.update(name);
            mac.update(ByteBuffer.allocate(8).putLong(expiry).array());
            mac.update(user.getSalt().toByteArray());
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }
}
