package dev.flotilla.kv.watch;

import dev.flotilla.kv.etcd.mvccpb.Event;
import java.util.List;

/** What a watcher gets when it asks a {@link WatchHub} for the events after its position. */
public sealed interface Delivery {
    /**
     * The events of the watcher's span at revisions from the position asked for through {@code throughRevision}
     * (possibly none: revisions that changed other keys); the watcher resumes at {@code throughRevision + 1}.
     */
    record Events(List<Event> events, long throughRevision) implements Delivery {
        public Events {
            events = List.copyOf(events);
        }
    }

    /** The position asked for is below the range's compact revision: that history is gone. */
    record Compacted(long compactRevision) implements Delivery {}
}
