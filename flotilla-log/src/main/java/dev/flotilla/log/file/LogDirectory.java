package dev.flotilla.log.file;

import java.io.IOException;
import java.util.List;

/**
 * The file system under the log engine: one flat directory of files. Production code uses {@link
 * FileChannelDirectory}; tests and the simulator plug in layers that inject faults or simulate a disk.
 *
 * <p><b>Durability.</b> File data is durable once {@link LogFile#force()} returns. Creations, renames and deletions are
 * durable once {@link #sync()} returns.
 *
 * <p><b>Threads.</b> Implementations must allow calls from several threads at once, on different files.
 *
 * <p><b>Errors.</b> Every failure is an {@link IOException} whose message says what failed (for example "No space left
 * on device").
 */
public interface LogDirectory {
    /** Names of the files in the directory, in no particular order. */
    List<String> list() throws IOException;

    /** Opens a file for reading and writing, creating it empty if {@code create} is set and it does not exist. */
    LogFile open(String name, boolean create) throws IOException;

    /** Renames a file atomically, replacing {@code to} if it exists. */
    void rename(String from, String to) throws IOException;

    /** Deletes a file; deleting a missing file is not an error. */
    void delete(String name) throws IOException;

    /** Makes earlier creations, renames and deletions durable (an fsync of the directory). */
    void sync() throws IOException;
}
