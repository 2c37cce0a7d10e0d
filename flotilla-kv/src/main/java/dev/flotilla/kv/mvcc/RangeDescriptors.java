package dev.flotilla.kv.mvcc;

import dev.flotilla.kv.KeySpan;
import dev.flotilla.kv.command.RangeDescriptor;
import java.util.Optional;

/** Between a stored {@link RangeDescriptor} and the {@link KeySpan} it describes. */
final class RangeDescriptors {
    private RangeDescriptors() {}

    static KeySpan span(RangeDescriptor descriptor) {
        return new KeySpan(
                descriptor.getStart(), descriptor.hasEnd() ? Optional.of(descriptor.getEnd()) : Optional.empty());
    }

    static RangeDescriptor.Builder of(KeySpan span) {
        RangeDescriptor.Builder descriptor = RangeDescriptor.newBuilder().setStart(span.start());
        span.end().ifPresent(descriptor::setEnd);
        return descriptor;
    }
}
