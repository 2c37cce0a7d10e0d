package dev.flotilla.log;

import java.io.IOException;

/**
 * The engine stopped accepting writes because a flush to disk failed: after a failed fdatasync the kernel may have
 * dropped the dirty pages, so nothing written since the last successful one can be trusted. Close the engine and open
 * it again; recovery reads back exactly what is on disk.
 */
public final class LogEngineFailedException extends IOException {
    public LogEngineFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
