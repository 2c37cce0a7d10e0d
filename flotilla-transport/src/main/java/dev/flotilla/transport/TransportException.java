package dev.flotilla.transport;

/** The transport could not do what was asked, for a reason outside the caller's control (I/O, TLS files). */
public class TransportException extends RuntimeException {
    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
