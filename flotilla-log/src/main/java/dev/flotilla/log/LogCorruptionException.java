package dev.flotilla.log;

import java.io.IOException;

/** Recovery found a frame it may not skip: damage in the middle of the log, or a torn tail under ABSOLUTE_CONSISTENCY. */
public final class LogCorruptionException extends IOException {
    private final String file;
    private final long offset;

    public LogCorruptionException(String file, long offset, String problem) {
        super(file + " at offset " + offset + ": " + problem);
        this.file = file;
        this.offset = offset;
    }

    /** Name of the segment file, relative to the log directory. */
    public String file() {
        return file;
    }

    /** Byte offset of the damaged frame in {@link #file()}. */
    public long offset() {
        return offset;
    }
}
