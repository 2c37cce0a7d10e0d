package dev.flotilla.kv.mvcc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.flotilla.kv.KvStore;
import dev.flotilla.kv.RocksDbConfig;
import dev.flotilla.kv.command.Command;
import dev.flotilla.kv.command.CommandResult;
import dev.flotilla.kv.etcd.etcdserverpb.CompactionRequest;
import dev.flotilla.kv.etcd.etcdserverpb.DeleteRangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.PutRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeRequest;
import dev.flotilla.kv.etcd.etcdserverpb.RangeResponse;
import dev.flotilla.kv.etcd.etcdserverpb.TxnRequest;
import dev.flotilla.runtime.StateMachine;
import dev.flotilla.runtime.StateMachine.AppliedCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A real RocksDB store with one range whose state machine the test drives directly, as the Raft node would. */
final class StoreFixture implements AutoCloseable {
    static final long RANGE = 1;

    private final Path directory;
    private KvStore store;
    private StateMachine machine;
    private long index;

    StoreFixture(Path directory) throws IOException {
        this.directory = directory;
        open();
    }

    private void open() throws IOException {
        store = KvStore.open(directory, RocksDbConfig.defaults());
        machine = store.stateMachine(RANGE);
        index = machine.durableAppliedIndex();
    }

    KvStore store() {
        return store;
    }

    StateMachine machine() {
        return machine;
    }

    long index() {
        return index;
    }

    void reopen() throws IOException {
        store.close();
        open();
    }

    /** Closes as a crash would (memtables lost: the WAL is off), then opens again. */
    void crashAndReopen() throws Exception {
        ((MvccDatabase) store).closeAsIfCrashed();
        open();
    }

    /** Applies the commands as one batch at the next log indexes. */
    List<CommandResult> applyBatch(Command... commands) {
        List<AppliedCommand> applied = new ArrayList<>();
        for (Command command : commands) {
            applied.add(new AppliedCommand(++index, 1, command.toByteArray()));
        }
        List<CommandResult> results = new ArrayList<>();
        for (byte[] bytes : machine.apply(applied, index)) {
            try {
                results.add(CommandResult.parseFrom(bytes));
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
        }
        return results;
    }

    CommandResult apply(Command command) {
        return applyBatch(command).get(0);
    }

    CommandResult put(String key, String value) {
        return apply(Command.newBuilder()
                .setPut(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)))
                .build());
    }

    CommandResult delete(String key, String rangeEnd) {
        return apply(Command.newBuilder()
                .setDeleteRange(DeleteRangeRequest.newBuilder()
                        .setKey(bytes(key))
                        .setRangeEnd(bytes(rangeEnd))
                        .setPrevKv(true))
                .build());
    }

    CommandResult txn(TxnRequest txn) {
        return apply(Command.newBuilder().setTxn(txn).build());
    }

    CommandResult compact(long revision) {
        return apply(Command.newBuilder()
                .setCompaction(CompactionRequest.newBuilder().setRevision(revision))
                .build());
    }

    RangeResponse range(RangeRequest request) {
        return store.range(RANGE, request);
    }

    RangeResponse get(String key) {
        return range(RangeRequest.newBuilder().setKey(bytes(key)).build());
    }

    static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    @Override
    public void close() {
        store.close();
    }
}
