package dev.flotilla.log;

/**
 * What recovery does when the log's files are damaged. The names follow tikv/raft-engine's recovery modes.
 *
 * <p>In every mode a checksum failure followed by valid data (damage in the middle of the log) is an error that names
 * the file and offset: it is never skipped silently. The modes differ only on a damaged tail.
 */
public enum RecoveryMode {
    /**
     * A torn or partial write at the very end of the log (the frame being written when the node stopped, which was never
     * acknowledged) is cut off, with a warning that says how many bytes were dropped. The default.
     */
    TOLERATE_TAIL_CORRUPTION,
    /** A torn tail is an error too: recovery refuses to open the log and an operator decides. */
    ABSOLUTE_CONSISTENCY
}
