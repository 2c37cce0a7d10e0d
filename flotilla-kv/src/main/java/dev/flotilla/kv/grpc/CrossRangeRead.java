package dev.flotilla.kv.grpc;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.KeySpan;
import dev.flotilla.kv.RangeMap;
import dev.flotilla.kv.RejectedRequestException;
import dev.flotilla.kv.command.Rejection;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest.SortOrder;
import dev.flotilla.kv.etcd.etcdserverpb.RangeResponse;
import dev.flotilla.kv.etcd.mvccpb.KeyValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A {@code Range} request whose keys lie in several ranges: one request per range, clipped to its keys, then one
 * response in the order the request asks for (docs/etcd-compatibility.md, "Ranges"). Each range is read at its own
 * revision, so a request for an explicit revision must stay within one range.
 */
final class CrossRangeRead {
    private static final Comparator<ByteString> KEY_ORDER = ByteString.unsignedLexicographicalComparator();

    private CrossRangeRead() {}

    /** The request for one range: the same request, with its keys clipped to those the range owns. */
    static RangeRequest clip(RangeRequest request, KeySpan requested, RangeMap.Range range) {
        if (request.getRevision() != 0) {
            throw new RejectedRequestException(
                    Rejection.Kind.CROSS_RANGE,
                    "flotilla: a Range at revision " + request.getRevision()
                            + " spans several ranges; revisions are per range, so it must stay within one");
        }
        KeySpan owned = range.span();
        ByteString start = KEY_ORDER.compare(requested.start(), owned.start()) >= 0 ? requested.start() : owned.start();
        // An absent end is the end of the key space: "\0" in etcd's encoding.
        ByteString end = minEnd(requested, owned).orElse(ByteString.copyFrom(new byte[] {0}));
        return request.toBuilder().setKey(start).setRangeEnd(end).build();
    }

    private static Optional<ByteString> minEnd(KeySpan a, KeySpan b) {
        if (a.end().isEmpty()) {
            return b.end();
        }
        if (b.end().isEmpty()) {
            return a.end();
        }
        return Optional.of(
                KEY_ORDER.compare(a.end().get(), b.end().get()) <= 0
                        ? a.end().get()
                        : b.end().get());
    }

    /**
     * One response from the ranges' responses (in key order of the ranges): keys in the requested order, at most
     * {@code limit} of them, the counts summed, and the header of the first range.
     */
    static RangeResponse merge(RangeRequest request, List<RangeResponse> parts) {
        List<KeyValue> kvs = new ArrayList<>();
        long count = 0;
        for (RangeResponse part : parts) {
            kvs.addAll(part.getKvsList());
            count += part.getCount();
        }
        kvs.sort(order(request));
        if (request.getLimit() > 0 && kvs.size() > request.getLimit()) {
            kvs = kvs.subList(0, (int) request.getLimit());
        }
        return RangeResponse.newBuilder()
                .setHeader(parts.get(0).getHeader())
                .addAllKvs(kvs)
                .setCount(count)
                .setMore(count > kvs.size() && !request.getCountOnly())
                .build();
    }

    /** etcd's order: by the sort target, ties (and no sort order) by key ascending. */
    private static Comparator<KeyValue> order(RangeRequest request) {
        Comparator<KeyValue> byKey = Comparator.comparing(KeyValue::getKey, KEY_ORDER);
        Comparator<KeyValue> target =
                switch (request.getSortTarget()) {
                    case KEY, UNRECOGNIZED -> byKey;
                    case VERSION -> Comparator.comparingLong(KeyValue::getVersion);
                    case CREATE -> Comparator.comparingLong(KeyValue::getCreateRevision);
                    case MOD -> Comparator.comparingLong(KeyValue::getModRevision);
                    case VALUE -> Comparator.comparing(KeyValue::getValue, KEY_ORDER);
                };
        if (request.getSortOrder() == SortOrder.DESCEND) {
            target = target.reversed();
        } else if (request.getSortOrder() == SortOrder.NONE) {
            target = byKey;
        }
        return target.thenComparing(byKey);
    }
}
