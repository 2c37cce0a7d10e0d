package dev.flotilla.bench.raft;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Proposals per second through propose, ready, persist (in memory), send (instant), advance, until the leader has
 * applied the entry: the consensus core alone. {@code voters=1} is the baseline without replication.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class RaftCoreBenchmark {
    @Param({"1", "3"})
    int voters;

    @Param({"128"})
    int payloadBytes;

    private InMemoryGroup group;
    private byte[] payload;

    @Setup(Level.Trial)
    public void setUp() {
        group = new InMemoryGroup(voters);
        payload = new byte[payloadBytes];
    }

    @Benchmark
    public long proposeReadyAdvance() {
        return group.proposeAndCommit(payload);
    }
}
