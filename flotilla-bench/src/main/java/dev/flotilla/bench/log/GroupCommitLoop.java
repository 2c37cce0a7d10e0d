package dev.flotilla.bench.log;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The group commit the baselines share with Flotilla's engine, so they are compared with the same batching: one thread
 * takes everything queued, makes it durable with one call, completes the futures, and repeats.
 */
final class GroupCommitLoop<T> implements AutoCloseable {
    /** Makes a batch durable with one write and one sync. */
    interface Flusher<T> {
        void flush(List<T> batch) throws Exception;
    }

    private record Queued<T>(T item, CompletableFuture<Void> future) {}

    private final LinkedBlockingQueue<Queued<T>> queue = new LinkedBlockingQueue<>();
    private final Flusher<T> flusher;
    private final int maxItems;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long flushes;

    /** @param maxItems most items in one flush, to cap a batch's bytes as Flotilla's {@code maxWriteBytes} does */
    GroupCommitLoop(String name, int maxItems, Flusher<T> flusher) {
        this.flusher = flusher;
        this.maxItems = maxItems;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    CompletableFuture<Void> submit(T item) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        queue.add(new Queued<>(item, future));
        return future;
    }

    long flushes() {
        return flushes;
    }

    private void run() {
        List<Queued<T>> taken = new ArrayList<>();
        List<T> items = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Queued<T> first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                taken.add(first);
                queue.drainTo(taken, maxItems - 1);
                for (Queued<T> q : taken) {
                    items.add(q.item());
                }
                flusher.flush(items);
                flushes++;
                for (Queued<T> q : taken) {
                    q.future().complete(null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                for (Queued<T> q : taken) {
                    q.future().completeExceptionally(e);
                }
            } finally {
                taken.clear();
                items.clear();
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
