package dev.flotilla.kv.watch;

import dev.flotilla.kv.KeySpan;

/**
 * A range's stored history of changes, for watchers that fall behind the {@link WatchHub}'s buffer of recent
 * revisions. Called on client threads, concurrently with applies.
 */
public interface History {
    /**
     * The events of {@code span} at revisions {@code from} to {@code to}, both included, in revision order and by key
     * within a revision; {@link Delivery.Compacted} if {@code from} is below the range's compact revision. {@code to}
     * is at most a revision the caller saw applied.
     */
    Delivery read(KeySpan span, long from, long to);
}
