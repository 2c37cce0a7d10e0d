package dev.flotilla.kv.auth;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.KeySpan;
import dev.flotilla.kv.etcd.authpb.Permission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Whether a set of key permissions covers a span of keys, as etcd decides it: the permissions of the wanted kind
 * ({@code READWRITE} counts as both) are merged into disjoint spans, and the request's span must lie inside one of
 * them. So a range read of {@code [a, c)} is allowed by permissions on {@code [a, b)} and {@code [b, c)} together,
 * and refused if a single key of it is not covered: nothing about a key leaks to a user who cannot read it.
 *
 * <p>Permission spans use etcd's forms: an empty {@code range_end} is the single key, {@code "\0"} every key from
 * {@code key} on, anything else the exclusive end (a prefix is {@code [p, p+1)}).
 */
public final class Permissions {
    private static final Comparator<ByteString> BYTES = ByteString.unsignedLexicographicalComparator();

    private Permissions() {}

    public static boolean covers(List<Permission> permissions, Permission.Type wanted, KeySpan request) {
        List<KeySpan> spans = new ArrayList<>();
        for (Permission permission : permissions) {
            if (permission.getPermType() == wanted || permission.getPermType() == Permission.Type.READWRITE) {
                spans.add(KeySpan.of(permission.getKey(), permission.getRangeEnd()));
            }
        }
        spans.sort(Comparator.comparing(KeySpan::start, BYTES));
        // Walk the spans in start order, growing one merged span while the next touches it.
        Optional<KeySpan> merged = Optional.empty();
        for (KeySpan span : spans) {
            if (merged.isPresent() && touches(merged.get(), span)) {
                merged = Optional.of(
                        new KeySpan(merged.get().start(), later(merged.get().end(), span.end())));
            } else {
                if (merged.isPresent() && inside(request, merged.get())) {
                    return true;
                }
                merged = Optional.of(span);
            }
        }
        return merged.isPresent() && inside(request, merged.get());
    }

    /** Whether {@code next}, which starts no earlier than {@code merged}, starts inside it or right at its end. */
    private static boolean touches(KeySpan merged, KeySpan next) {
        return merged.end().map(end -> BYTES.compare(next.start(), end) <= 0).orElse(true);
    }

    private static Optional<ByteString> later(Optional<ByteString> a, Optional<ByteString> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(BYTES.compare(a.get(), b.get()) >= 0 ? a.get() : b.get());
    }

    private static boolean inside(KeySpan request, KeySpan permitted) {
        if (BYTES.compare(request.start(), permitted.start()) < 0) {
            return false;
        }
        if (permitted.end().isEmpty()) {
            return true;
        }
        return request.end()
                .map(end -> BYTES.compare(end, permitted.end().get()) <= 0)
                .orElse(false);
    }
}
