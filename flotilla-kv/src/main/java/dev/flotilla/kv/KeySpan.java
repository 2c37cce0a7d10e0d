package dev.flotilla.kv;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.etcd.etcdserverpb.RequestOp;
import dev.flotilla.kv.etcd.etcdserverpb.TxnRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A span of user keys as etcd requests name it: from {@code start} (inclusive) to {@code end} (exclusive), or to the
 * end of the key space when {@code end} is empty. Keys compare as unsigned bytes.
 */
public record KeySpan(ByteString start, Optional<ByteString> end) {
    private static final ByteString ZERO = ByteString.copyFrom(new byte[] {0});

    /**
     * The span of an etcd request: an empty {@code rangeEnd} names the single key {@code key}; {@code "\0"} means
     * every key from {@code key} on; anything else is the exclusive end.
     */
    public static KeySpan of(ByteString key, ByteString rangeEnd) {
        if (rangeEnd.isEmpty()) {
            return new KeySpan(key, Optional.of(key.concat(ZERO)));
        }
        if (rangeEnd.equals(ZERO)) {
            return new KeySpan(key, Optional.empty());
        }
        return new KeySpan(key, Optional.of(rangeEnd));
    }

    public boolean contains(ByteString key) {
        return ByteString.unsignedLexicographicalComparator().compare(key, start) >= 0
                && end.map(e -> ByteString.unsignedLexicographicalComparator().compare(key, e) < 0)
                        .orElse(true);
    }

    /** Whether every key of {@code other} lies in this span. */
    public boolean encloses(KeySpan other) {
        Comparator<ByteString> order = ByteString.unsignedLexicographicalComparator();
        return order.compare(other.start, start) >= 0
                && end.map(e -> other.end.map(o -> order.compare(o, e) <= 0).orElse(false))
                        .orElse(true);
    }

    /** Whether the two spans share at least one key. */
    public boolean overlaps(KeySpan other) {
        return startsBefore(other.end, start) && startsBefore(end, other.start);
    }

    private static boolean startsBefore(Optional<ByteString> end, ByteString start) {
        return end.map(e -> ByteString.unsignedLexicographicalComparator().compare(start, e) < 0)
                .orElse(true);
    }

    /** Every key span a Txn compares, reads or writes, nested Txns included: they decide which range serves it. */
    public static List<KeySpan> ofTxn(TxnRequest request) {
        List<KeySpan> spans = new ArrayList<>();
        request.getCompareList().forEach(c -> spans.add(KeySpan.of(c.getKey(), c.getRangeEnd())));
        addKeySpans(request.getSuccessList(), spans);
        addKeySpans(request.getFailureList(), spans);
        return spans;
    }

    private static void addKeySpans(List<RequestOp> ops, List<KeySpan> spans) {
        for (RequestOp op : ops) {
            switch (op.getRequestCase()) {
                case REQUEST_RANGE ->
                    spans.add(KeySpan.of(
                            op.getRequestRange().getKey(), op.getRequestRange().getRangeEnd()));
                case REQUEST_PUT -> spans.add(KeySpan.of(op.getRequestPut().getKey(), ByteString.EMPTY));
                case REQUEST_DELETE_RANGE ->
                    spans.add(KeySpan.of(
                            op.getRequestDeleteRange().getKey(),
                            op.getRequestDeleteRange().getRangeEnd()));
                case REQUEST_TXN -> spans.addAll(ofTxn(op.getRequestTxn()));
                case REQUEST_NOT_SET -> {}
            }
        }
    }
}
