package dev.flotilla.kv.config;

/** A configuration that cannot start a server; the message names the field, as the file spells it. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
