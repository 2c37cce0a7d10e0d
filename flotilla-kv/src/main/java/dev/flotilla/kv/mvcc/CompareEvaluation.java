package dev.flotilla.kv.mvcc;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.etcd.etcdserverpb.Compare;
import dev.flotilla.kv.etcd.mvccpb.KeyValue;

/** Evaluates one Txn compare against one key-value, as etcd does. */
final class CompareEvaluation {
    private CompareEvaluation() {}

    static boolean holds(Compare compare, KeyValue kv) {
        int order =
                switch (compare.getTarget()) {
                    case VALUE ->
                        ByteString.unsignedLexicographicalComparator().compare(kv.getValue(), compare.getValue());
                    case VERSION -> Long.compare(kv.getVersion(), compare.getVersion());
                    case CREATE -> Long.compare(kv.getCreateRevision(), compare.getCreateRevision());
                    case MOD -> Long.compare(kv.getModRevision(), compare.getModRevision());
                    case LEASE -> Long.compare(kv.getLease(), compare.getLease());
                    case UNRECOGNIZED -> throw new IllegalArgumentException("unknown compare target");
                };
        return switch (compare.getResult()) {
            case EQUAL -> order == 0;
            case NOT_EQUAL -> order != 0;
            case GREATER -> order > 0;
            case LESS -> order < 0;
            case UNRECOGNIZED -> throw new IllegalArgumentException("unknown compare result");
        };
    }
}
