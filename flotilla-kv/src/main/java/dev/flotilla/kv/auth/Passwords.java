package dev.flotilla.kv.auth;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.command.StoredUser;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.KeySpec;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashing with the JDK's PBKDF2-HMAC-SHA256: a random 16-byte salt per user and a high iteration count, so
 * that a stolen store costs an attacker that many HMACs per guess and per user. A password is hashed on the node
 * that receives it, before anything is proposed: the Raft log and RocksDB only ever hold the salt, the hash and the
 * iteration count. Thread-safe.
 */
public final class Passwords {
    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;

    private final int iterations;
    private final SecureRandom random = new SecureRandom();

    /** @param iterations for new hashes; a stored hash is checked with the count stored with it */
    public Passwords(int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be positive, was " + iterations);
        }
        this.iterations = iterations;
    }

    /** A user named {@code name} without roles whose password is {@code password}, hashed with a fresh salt. */
    public StoredUser hashed(String name, String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return StoredUser.newBuilder()
                .setName(name)
                .setSalt(ByteString.copyFrom(salt))
                .setIterations(iterations)
                .setHash(ByteString.copyFrom(pbkdf2(password, salt, iterations)))
                .build();
    }

    /** Whether {@code password} is the user's; always false for a user created without a password. */
    public static boolean matches(StoredUser user, String password) {
        if (user.getNoPassword() || user.getIterations() < 1) {
            return false;
        }
        byte[] hash = pbkdf2(password, user.getSalt().toByteArray(), user.getIterations());
        return MessageDigest.isEqual(hash, user.getHash().toByteArray());
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        KeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is missing from this JDK", e);
        }
    }
}
