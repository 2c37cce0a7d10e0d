package dev.flotilla.log.impl;

import dev.flotilla.log.file.LogFile;

/**
 * One segment file and what still needs it. {@code liveBytes} and {@code metaRefs} are kept by the writer only: a
 * segment whose count of both is zero holds nothing any group needs.
 */
final class Segment {
    final long seq;
    final String name;
    final LogFile file;
    /** End of the last frame written (or recovered). */
    long end;

    long liveBytes;
    /** Groups whose current snapshot marker or hard state is in this segment. */
    int metaRefs;

    Segment(long seq, LogFile file, long end) {
        this.seq = seq;
        this.name = WalFormat.segmentName(seq);
        this.file = file;
        this.end = end;
    }

    boolean unused() {
        return liveBytes == 0 && metaRefs == 0;
    }
}
