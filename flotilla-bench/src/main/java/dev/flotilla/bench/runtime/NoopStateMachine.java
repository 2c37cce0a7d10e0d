package dev.flotilla.bench.runtime;

import dev.flotilla.runtime.StateMachine;
import java.util.Collections;
import java.util.List;

/** Applies nothing and answers nothing: the benchmark measures Raft and the log, not a state machine. */
final class NoopStateMachine implements StateMachine {
    private static final byte[] EMPTY = new byte[0];

    @Override
    public List<byte[]> apply(List<AppliedCommand> commands, long appliedIndex) {
        return Collections.nCopies(commands.size(), EMPTY);
    }

    @Override
    public byte[] query(byte[] query) {
        return EMPTY;
    }

    @Override
    public long durableAppliedIndex() {
        return 0;
    }

    @Override
    public byte[] snapshot() {
        return EMPTY;
    }

    @Override
    public void restore(byte[] snapshot, long appliedIndex) {
        // There is no state to replace.
    }
}
