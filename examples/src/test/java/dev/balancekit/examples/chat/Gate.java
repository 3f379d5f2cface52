package dev.balancekit.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A pacer the test drives: each token waits until the test lets it through, and the test can wait
 * until a model has reached a token. No sleeping anywhere; every wait has a timeout.
 */
final class Gate implements FakeChatModel.Pacer {
    static final long TIMEOUT_SECONDS = 10;

    private final Semaphore permits = new Semaphore(0);
    private final Semaphore arrivals = new Semaphore(0);
    private volatile boolean open;

    @Override
    public void beforeToken(int index) throws InterruptedException {
        arrivals.release();
        if (!open && !permits.tryAcquire(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the test never let token " + index + " through");
        }
    }

    /** Lets the next {@code tokens} tokens through, over all models waiting at this gate. */
    void allow(int tokens) {
        permits.release(tokens);
    }

    /** Lets every token through from now on. */
    void open() {
        open = true;
        permits.release(1000); // wakes the models that are waiting now
    }

    /** Waits until models have arrived at {@code n} more tokens than were awaited before. */
    void awaitArrivals(int n) throws InterruptedException {
        assertThat(arrivals.tryAcquire(n, TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .as("%d more tokens reached the gate", n)
                .isTrue();
    }

    /** @return how many arrivals happened that were not awaited */
    int unawaitedArrivals() {
        return arrivals.availablePermits();
    }
}
