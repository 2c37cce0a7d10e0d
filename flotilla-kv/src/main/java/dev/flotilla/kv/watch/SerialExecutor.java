package dev.flotilla.kv.watch;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: a watch stream's requests and deliveries
 * never run concurrently, yet the stream holds no thread while it has nothing to do.
 */
final class SerialExecutor implements Executor {
    private final Executor pool;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();

    SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (running.compareAndSet(false, true)) {
            pool.execute(this::runAll);
        }
    }

    private void runAll() {
        try {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
            }
        } finally {
            running.set(false);
            // A task added after the last poll but before the flag dropped would otherwise wait for the next one.
            if (!tasks.isEmpty() && running.compareAndSet(false, true)) {
                pool.execute(this::runAll);
            }
        }
    }
}
