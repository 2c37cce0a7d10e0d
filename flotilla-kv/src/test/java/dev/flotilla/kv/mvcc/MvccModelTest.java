package dev.flotilla.kv.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import dev.flotilla.kv.RejectedRequestException;
import dev.flotilla.kv.command.Command;
import dev.flotilla.kv.command.CommandResult;
import dev.flotilla.kv.command.Rejection;
import dev.flotilla.kv.etcd.etcdserverpb.Compare;
import dev.flotilla.kv.etcd.etcdserverpb.DeleteRangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.PutRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RequestOp;
import dev.flotilla.kv.etcd.etcdserverpb.TxnRequest;
import dev.flotilla.kv.etcd.mvccpb.KeyValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random puts, deletes, Txns and compactions against the RocksDB store and against a plain model (one sorted map per
 * revision); every read at every revision must agree. Replay a failure with -Dkv.seed=SEED.
 */
class MvccModelTest {
    private static final List<ByteString> KEYS = List.of(
            key("a"), key("a\0"), key("a\0\0"), key("a\1"), key("ab"), key("b"), key("b/1"), key("b/2"), key("c"));
    private static final Comparator<ByteString> ORDER = ByteString.unsignedLexicographicalComparator();

    @TempDir
    Path dir;

    @Test
    void readsAtEveryRevisionMatchTheModel() throws Exception {
        long seed = Long.getLong("kv.seed", System.nanoTime());
        System.out.println("MvccModelTest seed: " + seed + " (replay with -Dkv.seed=" + seed + ")");
        Random random = new Random(seed);
        List<TreeMap<ByteString, KeyValue>> history = new ArrayList<>();
        history.add(new TreeMap<>(ORDER)); // revision 1: empty
        history.add(new TreeMap<>(ORDER));
        long compacted = 0;
        try (StoreFixture store = new StoreFixture(dir)) {
            for (int step = 0; step < 400; step++) {
                String context = "seed " + seed + ", step " + step;
                TreeMap<ByteString, KeyValue> next = new TreeMap<>(history.get(history.size() - 1));
                long revision = history.size(); // the revision a write in this step creates
                int op = random.nextInt(10);
                if (op < 5) {
                    ByteString k = pick(random);
                    ByteString v = key("v" + random.nextInt(1000));
                    KeyValue previous = next.get(k);
                    next.put(
                            k,
                            KeyValue.newBuilder()
                                    .setKey(k)
                                    .setValue(v)
                                    .setModRevision(revision)
                                    .setCreateRevision(previous == null ? revision : previous.getCreateRevision())
                                    .setVersion(previous == null ? 1 : previous.getVersion() + 1)
                                    .build());
                    store.apply(Command.newBuilder()
                            .setPut(PutRequest.newBuilder().setKey(k).setValue(v))
                            .build());
                    history.add(next);
                } else if (op < 7) {
                    ByteString start = pick(random);
                    ByteString end = random.nextBoolean() ? ByteString.EMPTY : pick(random);
                    boolean removed = next.keySet().removeIf(k -> inSpan(k, start, end));
                    CommandResult result = store.apply(Command.newBuilder()
                            .setDeleteRange(DeleteRangeRequest.newBuilder()
                                    .setKey(start)
                                    .setRangeEnd(end))
                            .build());
                    if (removed) {
                        history.add(next);
                    }
                    assertEquals(
                            history.size() - 1,
                            result.getDeleteRange().getHeader().getRevision(),
                            context);
                } else if (op < 9) {
                    // Put k2 only if k1 has the version the model says (or a wrong one, half the time).
                    ByteString k1 = pick(random);
                    ByteString k2 = pick(random);
                    long version = next.containsKey(k1) ? next.get(k1).getVersion() : 0;
                    if (random.nextBoolean()) {
                        version++;
                    }
                    boolean holds =
                            version == (next.containsKey(k1) ? next.get(k1).getVersion() : 0);
                    ByteString v = key("t" + step);
                    CommandResult result = store.txn(TxnRequest.newBuilder()
                            .addCompare(Compare.newBuilder()
                                    .setKey(k1)
                                    .setTarget(Compare.CompareTarget.VERSION)
                                    .setVersion(version))
                            .addSuccess(RequestOp.newBuilder()
                                    .setRequestPut(
                                            PutRequest.newBuilder().setKey(k2).setValue(v)))
                            .build());
                    assertEquals(holds, result.getTxn().getSucceeded(), context);
                    if (holds) {
                        KeyValue previous = next.get(k2);
                        next.put(
                                k2,
                                KeyValue.newBuilder()
                                        .setKey(k2)
                                        .setValue(v)
                                        .setModRevision(revision)
                                        .setCreateRevision(previous == null ? revision : previous.getCreateRevision())
                                        .setVersion(previous == null ? 1 : previous.getVersion() + 1)
                                        .build());
                        history.add(next);
                    }
                } else {
                    long current = history.size() - 1;
                    long target = compacted + 1 + (long) random.nextInt((int) Math.max(1, current - compacted));
                    if (target <= current) {
                        CommandResult result = store.compact(target);
                        assertEquals(CommandResult.OutcomeCase.COMPACTION, result.getOutcomeCase(), context);
                        compacted = target;
                    }
                }
                checkRead(store, history, compacted, history.size() - 1, context);
                checkRead(store, history, compacted, 1 + random.nextInt(history.size() - 1), context);
            }
        }
    }

    private static void checkRead(
            StoreFixture store,
            List<TreeMap<ByteString, KeyValue>> history,
            long compacted,
            long revision,
            String context) {
        RangeRequest all = RangeRequest.newBuilder()
                .setKey(ByteString.copyFrom(new byte[] {0}))
                .setRangeEnd(ByteString.copyFrom(new byte[] {0}))
                .setRevision(revision)
                .build();
        if (revision < compacted) {
            try {
                store.range(all);
                throw new AssertionError(context + ": read at " + revision + " below compaction " + compacted);
            } catch (RejectedRequestException e) {
                assertEquals(Rejection.Kind.COMPACTED, e.rejection().getKind(), context);
                return;
            }
        }
        Map<ByteString, KeyValue> expected = history.get((int) revision);
        assertEquals(
                List.copyOf(expected.values()),
                store.range(all).getKvsList(),
                context + ": read at revision " + revision + " (compacted " + compacted + ")");
    }

    private static boolean inSpan(ByteString k, ByteString start, ByteString end) {
        if (end.isEmpty()) {
            return k.equals(start);
        }
        return ORDER.compare(k, start) >= 0 && ORDER.compare(k, end) < 0;
    }

    private static ByteString pick(Random random) {
        return KEYS.get(random.nextInt(KEYS.size()));
    }

    private static ByteString key(String s) {
        return ByteString.copyFromUtf8(s);
    }
}
