package dev.flotilla.log.impl;

import dev.flotilla.log.file.LogFile;
import java.util.Collection;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live segments, oldest first, and the accounting of what each holds. Mutated by the writer (and by recovery
 * before the writer starts); {@link #file(long)} may be called by readers on any thread.
 */
final class Segments {
    private final NavigableMap<Long, Segment> bySeq = new TreeMap<>();
    private final Map<Long, LogFile> files = new ConcurrentHashMap<>();
    private long liveBytes;

    void add(Segment segment) {
        bySeq.put(segment.seq, segment);
        files.put(segment.seq, segment.file);
    }

    void remove(Segment segment) {
        bySeq.remove(segment.seq);
        files.remove(segment.seq);
    }

    LogFile file(long seq) {
        LogFile file = files.get(seq);
        if (file == null) {
            throw new IllegalStateException("segment " + WalFormat.segmentName(seq) + " is not live");
        }
        return file;
    }

    Segment oldest() {
        return bySeq.firstEntry().getValue();
    }

    int count() {
        return bySeq.size();
    }

    Collection<Segment> all() {
        return bySeq.values();
    }

    long liveBytes() {
        return liveBytes;
    }

    void addEntry(Segment segment, long bytes) {
        segment.liveBytes += bytes;
        liveBytes += bytes;
    }

    void releaseEntry(long seq, long bytes) {
        bySeq.get(seq).liveBytes -= bytes;
        liveBytes -= bytes;
    }

    void addMeta(long seq) {
        bySeq.get(seq).metaRefs++;
    }

    void releaseMeta(long seq) {
        if (seq != GroupIndex.NO_SEGMENT) {
            bySeq.get(seq).metaRefs--;
        }
    }
}
