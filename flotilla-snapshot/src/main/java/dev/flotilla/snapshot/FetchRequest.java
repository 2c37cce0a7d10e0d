package dev.flotilla.snapshot;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What to fetch and where.
 *
 * @param sources where the snapshot may be pulled from, tried in order (and again, a few rounds); the transfer moves
 *     to the next when one fails, keeping what it has
 * @param target the directory that receives the files; created if missing. Whatever it holds that the manifest does not
 *     name is deleted. When it already holds a partial transfer (a progress file), that transfer resumes.
 * @param reuseDirectories directories of immutable files (e.g. the snapshot installed before) where a file with the
 *     manifest's name, size and checksum is taken instead of fetched: hard-linked when on the same file system, copied
 *     otherwise
 * @param bytesPerSecond bandwidth of this transfer, {@code 0} for unlimited; adjustable with {@link
 *     SnapshotTransfer#setBytesPerSecond}
 * @param listener told of progress
 */
public record FetchRequest(
        List<SnapshotLocation> sources,
        Path target,
        List<Path> reuseDirectories,
        long bytesPerSecond,
        ProgressListener listener) {
    public FetchRequest {
        sources = List.copyOf(sources);
        reuseDirectories = List.copyOf(reuseDirectories);
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(listener, "listener");
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("at least one source is needed");
        }
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bytesPerSecond must be 0 (unlimited) or positive");
        }
    }

    /** Fetch into {@code target} from {@code sources}, unlimited, reusing nothing but the target's own files. */
    public static FetchRequest of(Path target, List<SnapshotLocation> sources) {
        return new FetchRequest(sources, target, List.of(), 0, ProgressListener.NONE);
    }

    public FetchRequest withReuse(List<Path> directories) {
        return new FetchRequest(sources, target, directories, bytesPerSecond, listener);
    }

    public FetchRequest withBytesPerSecond(long limit) {
        return new FetchRequest(sources, target, reuseDirectories, limit, listener);
    }

    public FetchRequest withListener(ProgressListener progressListener) {
        return new FetchRequest(sources, target, reuseDirectories, bytesPerSecond, progressListener);
    }
}
