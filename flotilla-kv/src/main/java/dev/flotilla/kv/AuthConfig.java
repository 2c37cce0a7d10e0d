package dev.flotilla.kv;

/**
 * Auth settings (config section {@code auth}); users, roles and the enabled flag are replicated state, not config.
 *
 * @param tokenTtlSeconds how long a token from {@code Authenticate} works (etcd's simple tokens: 300 s)
 * @param passwordHashIterations PBKDF2-HMAC-SHA256 iterations for passwords set from now on (stored with each hash)
 */
public record AuthConfig(long tokenTtlSeconds, int passwordHashIterations) {
    public AuthConfig {
        if (tokenTtlSeconds < 1) {
            throw new IllegalArgumentException("tokenTtlSeconds must be positive, was " + tokenTtlSeconds);
        }
        if (passwordHashIterations < 10_000) {
            throw new IllegalArgumentException(
                    "passwordHashIterations must be at least 10000, was " + passwordHashIterations);
        }
    }

    public static AuthConfig defaults() {
        return new AuthConfig(300, 210_000);
    }
}
