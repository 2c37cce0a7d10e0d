package dev.flotilla.log.file;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One open file of a {@link LogDirectory}. Reads and writes are positional, so readers on other threads never disturb
 * the writer. A write is visible to reads as soon as it returns; it is durable only after {@link #force()}.
 */
public interface LogFile extends Closeable {
    /** Writes all remaining bytes of {@code src} at {@code position}, growing the file if needed. */
    void write(ByteBuffer src, long position) throws IOException;

    /**
     * Reads into {@code dst} from {@code position} until {@code dst} is full or the file ends.
     *
     * @return bytes read; fewer than were asked only at the end of the file
     */
    int read(ByteBuffer dst, long position) throws IOException;

    /** Makes every completed write durable (fdatasync: data, and metadata only as far as needed to read it back). */
    void force() throws IOException;

    long size() throws IOException;
}
