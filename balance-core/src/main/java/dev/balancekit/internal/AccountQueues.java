package dev.balancekit.internal;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * A line per busy account: runs tasks for one key one at a time, in the order they arrive,
 * without blocking a thread. The ledger's writes of an account take turns here, so that they never
 * spend compare-and-set attempts against each other (and none of them starves); the
 * compare-and-set, not this class, is what keeps them correct. A task that finds no line opens
 * one and runs at once, without a queue; a line is dropped once it runs empty.
 */
final class AccountQueues {
    private final ConcurrentHashMap<String, Line> lines = new ConcurrentHashMap<>();

    /** Creates an empty set of lines. */
    public AccountQueues() {}

    /**
     * Whether operations on a key are taking turns right now.
     *
     * @param key the key
     * @return whether a line exists for it
     */
    public boolean active(String key) {
        return lines.containsKey(key);
    }

    /**
     * Runs a task once every task queued for the key before it has ended.
     *
     * @param key the key
     * @param task makes the task's work; called when its turn comes
     * @param <R> the result type
     * @return the task's result; cancelling it frees the turn
     */
    public <R> Mono<R> inTurn(String key, Supplier<Mono<R>> task) {
        return Mono.defer(() -> {
            // the usual case, no line for the key: open one that is busy with this task, and run it
            Line mine = new Line(key, true);
            if (lines.putIfAbsent(key, mine) != null) {
                return queued(key, task);
            }
            Mono<R> work;
            try {
                work = task.get();
            } catch (RuntimeException e) {
                mine.finished();
                throw e;
            }
            return work.doFinally(signal -> mine.finished());
        });
    }

    /** Queues a task behind the line of its key. */
    private <R> Mono<R> queued(String key, Supplier<Mono<R>> task) {
        return Mono.create(sink -> {
            Task<R> t = new Task<>(task, sink);
            sink.onCancel(t::cancel);
            // a line closes once it runs empty; a task that meets a closed line goes to the next one
            while (!lines.computeIfAbsent(key, k -> new Line(k, false)).submit(t)) {
                Thread.onSpinWait();
            }
        });
    }

    /** @return how many keys have a line right now (for tests) */
    int size() {
        return lines.size();
    }

    /** The tasks waiting for one key; at most one runs at a time. */
    private final class Line {
        private final String key;
        /** Created when the first task has to wait; most lines never need one. */
        private @Nullable Queue<Task<?>> waiting;
        /** Set once the line ran empty and left the map; it takes no more tasks. */
        private boolean closed;
        /** Serializes {@link #drain()}: whoever raises it from 0 drains, the others leave it a note. */
        private final AtomicInteger wip = new AtomicInteger();

        private volatile boolean busy;

        /**
         * @param key the key
         * @param busy whether the line is opened by a task that runs at once
         */
        Line(String key, boolean busy) {
            this.key = key;
            this.busy = busy;
        }

        /** @return false if the line is closed, and the task must go to a new line */
        boolean submit(Task<?> task) {
            synchronized (this) {
                if (closed) {
                    return false;
                }
                if (waiting == null) {
                    waiting = new ArrayDeque<>(4);
                }
                waiting.add(task);
            }
            drain();
            return true;
        }

        private synchronized @Nullable Task<?> next() {
            return waiting == null ? null : waiting.poll();
        }

        /**
         * Closes the line if nothing runs or waits, so that no task can join it unnoticed: a task
         * either joined before (and runs here) or finds it closed (and starts a new line).
         */
        private synchronized void closeIfIdle() {
            if (!busy && (waiting == null || waiting.isEmpty()) && !closed) {
                closed = true;
                lines.remove(key, this);
            }
        }

        void finished() {
            busy = false;
            drain();
        }

        /** Starts the next task when none runs; a task that ends at once does not recurse. */
        private void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            for (; ; ) {
                if (!busy) {
                    Task<?> next = next();
                    if (next != null) {
                        busy = true;
                        next.start(this);
                    } else {
                        closeIfIdle();
                    }
                }
                missed = wip.addAndGet(-missed);
                if (missed == 0) {
                    return;
                }
            }
        }
    }

    /** One queued task and the caller waiting for it. */
    private static final class Task<R> {
        private final Supplier<Mono<R>> work;
        private final MonoSink<R> sink;
        private volatile boolean cancelled;
        private volatile @Nullable Disposable running;

        Task(Supplier<Mono<R>> work, MonoSink<R> sink) {
            this.work = work;
            this.sink = sink;
        }

        void cancel() {
            cancelled = true;
            Disposable d = running;
            if (d != null) {
                d.dispose();
            }
        }

        void start(Line line) {
            if (cancelled) {
                line.finished();
                return;
            }
            Mono<R> mono;
            try {
                mono = work.get();
            } catch (RuntimeException e) {
                sink.error(e);
                line.finished();
                return;
            }
            running = mono.doFinally(signal -> line.finished()).subscribe(sink::success, sink::error, sink::success);
            if (cancelled) {
                running.dispose();
            }
        }
    }
}
