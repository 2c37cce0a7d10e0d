package dev.flotilla.kv.mvcc;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeResponse;
import dev.flotilla.kv.etcd.mvccpb.KeyValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Collects a Range's answer: count of every live key in the span, kvs filtered, sorted and limited. */
final class RangeQuery {
    private final RangeRequest request;
    private final List<KeyValue> kvs = new ArrayList<>();
    private final boolean keyOrder;
    private long count;

    RangeQuery(RangeRequest request) {
        this.request = request;
        this.keyOrder = request.getSortTarget() == RangeRequest.SortTarget.KEY
                && request.getSortOrder() != RangeRequest.SortOrder.DESCEND;
    }

    boolean visit(ByteString key, long modRevision, StoredVersion version) {
        count++;
        if (request.getCountOnly() || !passesFilters(modRevision, version)) {
            return true;
        }
        // In key order one kv past the limit is enough to know there are more; the count goes on.
        if (!keyOrder || request.getLimit() <= 0 || kvs.size() <= request.getLimit()) {
            KeyValue kv = version.toKeyValue(key, modRevision);
            kvs.add(request.getKeysOnly() ? kv.toBuilder().clearValue().build() : kv);
        }
        return true;
    }

    private boolean passesFilters(long modRevision, StoredVersion version) {
        return (request.getMinModRevision() == 0 || modRevision >= request.getMinModRevision())
                && (request.getMaxModRevision() == 0 || modRevision <= request.getMaxModRevision())
                && (request.getMinCreateRevision() == 0 || version.createRevision() >= request.getMinCreateRevision())
                && (request.getMaxCreateRevision() == 0 || version.createRevision() <= request.getMaxCreateRevision());
    }

    RangeResponse response() {
        List<KeyValue> result = new ArrayList<>(kvs);
        sortOrder().ifPresent(result::sort);
        boolean more = false;
        if (request.getLimit() > 0 && result.size() > request.getLimit()) {
            result = result.subList(0, (int) request.getLimit());
            more = true;
        }
        return RangeResponse.newBuilder()
                .addAllKvs(result)
                .setMore(more)
                .setCount(count)
                .build();
    }

    /** Empty when the scan's key order is the answer's order. */
    private Optional<Comparator<KeyValue>> sortOrder() {
        RangeRequest.SortOrder order = request.getSortOrder();
        RangeRequest.SortTarget target = request.getSortTarget();
        if (target == RangeRequest.SortTarget.KEY && order != RangeRequest.SortOrder.DESCEND) {
            return Optional.empty();
        }
        Comparator<KeyValue> comparator =
                switch (target) {
                    case KEY, UNRECOGNIZED ->
                        Comparator.comparing(KeyValue::getKey, ByteString.unsignedLexicographicalComparator());
                    case VERSION -> Comparator.comparingLong(KeyValue::getVersion);
                    case CREATE -> Comparator.comparingLong(KeyValue::getCreateRevision);
                    case MOD -> Comparator.comparingLong(KeyValue::getModRevision);
                    case VALUE ->
                        Comparator.comparing(KeyValue::getValue, ByteString.unsignedLexicographicalComparator());
                };
        // etcd sorts ascending when a target other than the key is named without an order.
        return Optional.of(order == RangeRequest.SortOrder.DESCEND ? comparator.reversed() : comparator);
    }
}
