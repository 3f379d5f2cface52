package dev.balancekit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

class AccountQueuesTest {

    private final AccountQueues queues = new AccountQueues();

    /**
     * Whether the key's line closes: a task's caller gets its result just before the task frees its
     * turn, so the last asynchronous task may still be finishing when the caller looks.
     */
    private boolean idle(String key) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (queues.active(key) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        return !queues.active(key);
    }

    @Test
    void tasksOfOneKey_runOneAtATime_inArrivalOrder_andTheLineIsDroppedWhenEmpty() {
        List<Integer> order = new CopyOnWriteArrayList<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        List<Mono<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int n = i;
            calls.add(queues.inTurn(
                    "k",
                    () -> Mono.fromCallable(() -> {
                                mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                                order.add(n);
                                return n;
                            })
                            .delayElement(Duration.ofMillis(1))
                            .doOnNext(x -> running.decrementAndGet())));
        }

        // subscribed in order, all at once: each must wait for the one before
        List<Integer> results = Flux.mergeSequential(calls).collectList().block(Duration.ofSeconds(10));

        assertThat(results).hasSize(50);
        assertThat(order).isSorted().hasSize(50);
        assertThat(mostAtOnce).hasValue(1);
        assertThat(idle("k")).isTrue();
        assertThat(queues.size()).isZero();
    }

    @Test
    void linesThatOpenAndCloseAllTheTime_neverRunTwoTasksOfAKeyAtOnce() throws Exception {
        // each thread waits for its task before the next, so the line often runs empty and closes
        // while another thread is joining it: that task must go to the next line, not run beside it
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            boolean async = t % 2 == 0;
            Thread th = new Thread(() -> {
                for (int i = 0; i < 3_000; i++) {
                    Mono<Integer> work = Mono.fromCallable(() -> {
                        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                        Thread.onSpinWait();
                        running.decrementAndGet();
                        return 1;
                    });
                    queues.inTurn("k", () -> async ? work.subscribeOn(Schedulers.parallel()) : work)
                            .block(Duration.ofSeconds(10));
                    done.incrementAndGet();
                }
            });
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) {
            th.join();
        }

        assertThat(done).hasValue(12_000);
        assertThat(mostAtOnce).hasValue(1);
        assertThat(idle("k")).isTrue();
    }

    @Test
    void tasksThatEndAtOnce_drainInALoop_notByRecursion() {
        Sinks.Empty<Void> gate = Sinks.empty();
        // the first task holds the line until the gate opens; 20,000 synchronous tasks queue behind it
        Mono<Object> first = queues.inTurn("k", () -> gate.asMono().then(Mono.empty()));
        Disposable held = first.subscribe();
        AtomicInteger done = new AtomicInteger();
        for (int i = 0; i < 20_000; i++) {
            queues.inTurn("k", () -> Mono.just(1)).subscribe(x -> done.incrementAndGet());
        }
        assertThat(done).hasValue(0);

        gate.tryEmitEmpty();

        assertThat(done).hasValue(20_000);
        assertThat(queues.active("k")).isFalse();
        held.dispose();
    }

    @Test
    void cancellingAWaitingOrRunningTask_freesTheTurn() {
        Sinks.Empty<Void> never = Sinks.empty();
        Disposable running =
                queues.inTurn("k", () -> never.asMono().then(Mono.just(1))).subscribe();
        AtomicInteger ran = new AtomicInteger();
        Disposable waiting = queues.inTurn("k", () -> Mono.fromCallable(ran::incrementAndGet))
                .subscribe();

        waiting.dispose();
        running.dispose();

        assertThat(ran).as("a cancelled waiting task never runs").hasValue(0);
        assertThat(queues.inTurn("k", () -> Mono.just("next")).block(Duration.ofSeconds(5)))
                .isEqualTo("next");
        assertThat(queues.active("k")).isFalse();
    }

    @Test
    void aFailingTask_passesItsErrorOn_andTheNextOneRuns() {
        Mono<Object> failing = queues.inTurn("k", () -> Mono.error(new IllegalStateException("boom")));
        Mono<String> next = queues.inTurn("k", () -> Mono.just("ok").subscribeOn(Schedulers.parallel()));

        assertThat(failing.onErrorResume(e -> Mono.just(e.getMessage())).block(Duration.ofSeconds(5)))
                .isEqualTo("boom");
        assertThat(next.block(Duration.ofSeconds(5))).isEqualTo("ok");
        assertThat(queues.inTurn("k", () -> {
                            throw new IllegalArgumentException("bad");
                        })
                        .onErrorResume(e -> Mono.just(e.getMessage()))
                        .block(Duration.ofSeconds(5)))
                .isEqualTo("bad");
        assertThat(queues.active("k")).isFalse();
    }
}
