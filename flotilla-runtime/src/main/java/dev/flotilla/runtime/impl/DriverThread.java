package dev.flotilla.runtime.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that runs a {@link NodeLoop}. It takes every task that is waiting, runs them, then runs one cycle:
 * under load many inputs share a cycle, and so a log batch and a network flush.
 */
final class DriverThread {
    private static final Logger LOG = LoggerFactory.getLogger(DriverThread.class);

    private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final NodeLoop loop;
    private final Thread thread;
    private volatile boolean stopping;

    DriverThread(String name, NodeLoop loop) {
        this.loop = loop;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a task; tasks run in submission order. After {@link #stopAndJoin()} tasks are dropped. */
    void submit(Runnable task) {
        if (!stopping) {
            tasks.add(task);
        }
    }

    /** Runs what is queued, then stops the thread and waits for it. */
    void stopAndJoin() {
        stopping = true;
        tasks.add(() -> {});
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("{} did not stop within 10 s", thread.getName());
        }
    }

    private void run() {
        List<Runnable> burst = new ArrayList<>();
        while (true) {
            try {
                burst.add(tasks.take());
            } catch (InterruptedException e) {
                return;
            }
            tasks.drainTo(burst);
            try {
                burst.forEach(Runnable::run);
                loop.cycle();
            } catch (RuntimeException | Error e) {
                // Groups may be half-way through a Ready: stopping is the only safe answer.
                LOG.error("unexpected error on {}; stopping the node", thread.getName(), e);
                loop.stop(e);
            }
            burst.clear();
            if (stopping && tasks.isEmpty()) {
                return;
            }
        }
    }
}
