package dev.balancekit;

import dev.balancekit.internal.LedgerRunner;
import dev.balancekit.memory.InMemoryBalanceStore;
import dev.balancekit.spi.AccountState;
import dev.balancekit.spi.BalanceStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Per-user token balances: the entry point of BalanceKit.
 *
 * <p>A host server checks or reserves before a model call, and charges the actual usage after it:
 *
 * <pre>{@code
 * BalanceLedger ledger = BalanceLedger.builder().config(config).build();   // in-memory store
 * Reservation r = ledger.reserve(BalanceRequest.of(user, model, promptTokens, maxTokens)).block();
 * if (!r.isAllowed()) return r.decision().message();
 * Usage usage = callModel(r.decision().model());
 * ledger.deduct(ChargeRequest.of(user, model, usage).withHold(r.holdId())).block();
 * }</pre>
 *
 * <p>Every operation is a {@link Mono}: cold, lazy, nothing happens before subscription. Each
 * mutating operation loads the account, lets the ledger engine decide, and writes the result with a
 * compare-and-set of the one account document; on a conflict it reloads and decides again, with
 * jittered backoff, up to a bound ({@link ConflictRetriesExhaustedException} after that). So
 * concurrent requests of one user never overspend and never lose an update, on any store.
 *
 * <p>Bad arguments fail the returned {@code Mono} with {@link IllegalArgumentException} and change
 * nothing. Business outcomes (a denied check) are values.
 */
public final class BalanceLedger {

    private final LedgerRunner runner;
    private final UserDirectory directory;

    private BalanceLedger(Builder b) {
        BalanceStore store = b.store != null ? b.store : new InMemoryBalanceStore();
        this.runner = new LedgerRunner(
                store,
                b.config,
                b.clock,
                b.maxAttempts,
                b.backoffBase,
                b.backoffMax,
                b.listeners,
                b.eventExecutor,
                b.meterRegistry);
        this.directory = b.directory;
    }

    /** @return a builder: in-memory store, default config, system clock */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the config in use */
    public LedgerConfig config() {
        return runner.config();
    }

    /**
     * Replaces the config of the running ledger, atomically: each operation runs wholly under the
     * old config or wholly under the new one. Listeners get a {@link BalanceEvent.ConfigReloaded}.
     *
     * @param next the new config
     * @param source where it came from, for the event and the log (a file name)
     */
    public void reconfigure(LedgerConfig next, String source) {
        Objects.requireNonNull(next, "config");
        Requests.requireText("source", source);
        runner.reconfigure(next, source);
    }

    /**
     * Reports a new config that was rejected, keeping the config in use: the problems are logged
     * and listeners get a {@link BalanceEvent.ConfigRejected}. The counterpart of
     * {@link #reconfigure} for a host (or a module such as balance-yaml's file watcher) that
     * reloads the config from its own source: when a reload fails validation, it calls this
     * instead, so that the failure is seen in the same log and by the same listeners as a reload.
     *
     * @param source where the rejected config came from, as for {@link #reconfigure}
     * @param problems what is wrong with it, one message each, at least one
     * @throws IllegalArgumentException if the source is blank or there are no problems
     */
    public void rejectConfig(String source, List<String> problems) {
        Requests.requireText("source", source);
        Objects.requireNonNull(problems, "problems");
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("problems must name at least one problem, was empty");
        }
        runner.rejectConfig(source, problems);
    }

    /** @return a blocking facade over this ledger, for hosts that are not reactive */
    public BlockingBalanceLedger blocking() {
        return new BlockingBalanceLedger(this);
    }

    /**
     * Checks whether a request fits, without holding anything: allowed, denied with a reason, or
     * allowed on a fallback model. The first check of an unknown user creates the account with the
     * start balance.
     *
     * @param user the user id
     * @param model the model the host intends to call
     * @param promptTokens the prompt's token count
     * @param maxOutputTokens the output token budget (0 for LibreChat's prompt-only check)
     * @return the decision; fails with {@link IllegalArgumentException} on bad arguments
     */
    public Mono<BalanceDecision> checkBalance(String user, String model, long promptTokens, long maxOutputTokens) {
        return Mono.defer(() -> checkBalance(BalanceRequest.of(user, model, promptTokens, maxOutputTokens)));
    }

    /**
     * Checks whether a request fits, without holding anything.
     *
     * @param request the request
     * @return the decision
     */
    public Mono<BalanceDecision> checkBalance(BalanceRequest request) {
        Objects.requireNonNull(request, "request");
        return runner.check(request);
    }

    /**
     * Checks a request and, when allowed, holds its estimated cost until it is charged, released
     * or expires ({@link LedgerConfig#holdTtl()}). Concurrent reservations of one user each see the
     * others' holds, so together they cannot overspend.
     *
     * @param user the user id
     * @param model the model
     * @param promptTokens the prompt's token count
     * @param maxOutputTokens the output token budget
     * @return the reservation; fails with {@link IllegalArgumentException} on bad arguments
     */
    public Mono<Reservation> reserve(String user, String model, long promptTokens, long maxOutputTokens) {
        return Mono.defer(() -> reserve(BalanceRequest.of(user, model, promptTokens, maxOutputTokens)));
    }

    /**
     * Checks a request and, when allowed, holds its estimated cost.
     *
     * @param request the request; with an idempotency key, the outcome (a denial too) is remembered
     *     and a repeat returns it, so that every process answers one key the same
     * @return the reservation; fails with {@link IllegalArgumentException} if its estimated cost
     *     does not fit a credit amount
     */
    public Mono<Reservation> reserve(BalanceRequest request) {
        Objects.requireNonNull(request, "request");
        return runner.reserve(request);
    }

    /**
     * Charges the actual usage of a model call in one atomic step, settling the named hold (its
     * remainder is freed). Usage that happened is recorded in full, even when it takes the balance
     * below the minimum or below zero: the shortfall stays visible as a negative balance.
     *
     * @param request the charge
     * @return the receipt; fails with {@link IllegalArgumentException} if the hold is unknown, not
     *     the user's, already settled, the idempotency key was used for another request, or the
     *     cost does not fit a credit amount (the message names the token counts)
     */
    public Mono<Receipt> deduct(ChargeRequest request) {
        Objects.requireNonNull(request, "request");
        return runner.charge(request);
    }

    /**
     * Releases a hold, on error or cancel. Releasing an already released, settled or expired hold
     * changes nothing.
     *
     * @param user the user id
     * @param holdId the hold
     * @return a receipt without entries; fails with {@link IllegalArgumentException} if the hold is
     *     not the user's
     */
    public Mono<Receipt> release(String user, String holdId) {
        return Mono.defer(() -> {
            Requests.requireText("user", user);
            Requests.requireText("holdId", holdId);
            return runner.release(user, holdId);
        });
    }

    /**
     * Extends an active hold by another {@link LedgerConfig#holdTtl()} from now, for a stream that
     * is still running.
     *
     * @param user the user id
     * @param holdId the hold
     * @return the extended hold; fails with {@link IllegalArgumentException} if the hold is not the
     *     user's or no longer active
     */
    public Mono<Hold> extendHold(String user, String holdId) {
        return Mono.defer(() -> {
            Requests.requireText("user", user);
            Requests.requireText("holdId", holdId);
            return runner.extendHold(user, holdId);
        });
    }

    /**
     * Adds credits to an account (an entry with context {@code admin}).
     *
     * @param change the user, the credits to add (above zero), the actor and note
     * @return the receipt with the new balance; fails with {@link BalanceNotEnabledException} when
     *     the ledger is disabled, {@link IllegalArgumentException} for an amount not above zero or
     *     one that would overflow
     */
    public Mono<Receipt> addBalance(BalanceChange change) {
        Objects.requireNonNull(change, "change");
        return runner.addBalance(change);
    }

    /**
     * Adds credits to an account.
     *
     * @param user the user id
     * @param amount the credits to add, above zero
     * @return the receipt with the new balance
     */
    public Mono<Receipt> addBalance(String user, Credits amount) {
        return Mono.defer(() -> addBalance(BalanceChange.of(user, amount)));
    }

    /**
     * Overwrites an account's balance, recording the difference as an {@code adjustment} entry.
     *
     * @param change the user, the new balance, the actor and note
     * @return the receipt; fails with {@link BalanceNotEnabledException} when the ledger is disabled
     */
    public Mono<Receipt> setBalance(BalanceChange change) {
        Objects.requireNonNull(change, "change");
        return runner.setBalance(change);
    }

    /**
     * Reads an account: balance, available balance, active holds.
     *
     * @param user the user id
     * @return the account, or empty when the user has no account
     */
    public Mono<AccountView> balance(String user) {
        return Mono.defer(() -> {
            Requests.requireText("user", user);
            return runner.balance(user);
        });
    }

    /**
     * Reads a user's usage in the current day, ISO week and month (in the config's zone), active
     * holds included, with the caps that apply and when each window resets: enough for a "you
     * have used 80% of today's budget" display.
     *
     * @param user the user id
     * @return the daily, weekly and monthly usage, in that order; empty when the user has no account
     */
    public Mono<List<WindowUsage>> usage(String user) {
        return Mono.defer(() -> {
            Requests.requireText("user", user);
            return runner.usage(user);
        });
    }

    /**
     * Moves an account to another tier, recorded as an entry with context {@code tierChange} and
     * the actor; the tier applies from the next operation.
     *
     * @param user the user id
     * @param tier a tier of the config
     * @param actor who makes the change, or null
     * @return the receipt; fails with {@link IllegalArgumentException} if the tier is not configured
     */
    public Mono<Receipt> setTier(String user, String tier, @Nullable String actor) {
        return Mono.defer(() -> {
            Requests.requireText("user", user);
            Requests.requireText("tier", tier);
            Requests.requireOptionalText("actor", actor);
            return runner.setTier(user, tier, actor);
        });
    }

    /**
     * Reads a user's transaction history, newest first, one page at a time.
     *
     * @param user the user id
     * @param query filters, page size and cursor
     * @return the page (empty for an unknown user)
     */
    public Mono<Page<LedgerEntry>> transactionHistory(String user, HistoryQuery query) {
        return Mono.defer(() -> {
            Requests.requireText("user", user);
            Objects.requireNonNull(query, "query");
            return runner.store().history(user, query).collectList().map(list -> {
                if (list.size() <= query.limit()) {
                    return new Page<>(list, null);
                }
                List<LedgerEntry> items = list.subList(0, query.limit());
                return new Page<>(items, HistoryQuery.cursorAfter(items.get(items.size() - 1)));
            });
        });
    }

    /**
     * Lists accounts with their balance, last transaction time and total tokens, labelled by the
     * configured {@link UserDirectory}.
     *
     * @param query order, page size and cursor
     * @return the page
     */
    public Mono<Page<AccountView>> listBalances(ListQuery query) {
        Objects.requireNonNull(query, "query");
        return Mono.defer(() -> runner.store().accounts(query).flatMap(page -> {
            Instant now = runner.clock().instant();
            List<Mono<AccountView>> views = new ArrayList<>(page.items().size());
            for (AccountState s : page.items()) {
                AccountView v = runner.view(s, now);
                views.add(directory.labelOf(s.user()).map(v::withLabel).defaultIfEmpty(v));
            }
            return Mono.zip(views, arr -> {
                        List<AccountView> items = new ArrayList<>(arr.length);
                        for (Object o : arr) {
                            items.add((AccountView) o);
                        }
                        return new Page<>(items, page.nextCursor());
                    })
                    .defaultIfEmpty(new Page<>(List.of(), page.nextCursor()));
        }));
    }

    /**
     * Reports spending and tokens: the entries in the query's time range that pass its filters,
     * grouped by its dimensions (days, weeks and months in the config's zone), with the totals of
     * all of them, one page of groups at a time. The store adds the entries up where they live
     * (the MongoDB store on the server), so only groups reach the host; the ledger orders and
     * pages them. With {@link UsageDimension#TIER}, accounts without a tier of their own count under
     * the config's default tier.
     *
     * @param query dimensions, filters, order, page size and cursor
     * @return the report
     */
    public Mono<UsageReport> usageReport(UsageQuery query) {
        Objects.requireNonNull(query, "query");
        return Mono.defer(() -> {
            LedgerConfig cfg = runner.config();
            return runner.store()
                    .usage(query, cfg.zone())
                    .collectList()
                    .map(groups -> UsageReports.report(query, cfg.zone(), groups, cfg.defaultTier()));
        });
    }

    /** Builds a {@link BalanceLedger}; every setter checks its value at once. */
    public static final class Builder {
        private @Nullable BalanceStore store;
        private LedgerConfig config = LedgerConfig.defaults();
        private Clock clock = Clock.systemUTC();
        private UserDirectory directory = UserDirectory.NONE;
        private int maxAttempts = 32;
        private Duration backoffBase = Duration.ofMillis(1);
        private Duration backoffMax = Duration.ofMillis(100);
        private final List<BalanceListener> listeners = new ArrayList<>();
        private @Nullable Executor eventExecutor;
        private @Nullable MeterRegistry meterRegistry;

        private Builder() {}

        /**
         * Reports the ledger's meters (docs/metrics.md) to a Micrometer registry. Without one,
         * nothing is measured and Micrometer need not be on the class path.
         *
         * @param registry the registry
         * @return this builder
         */
        @SuppressWarnings("exports") // Micrometer is optional: a host that calls this reads it itself
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
            return this;
        }

        /**
         * Registers a listener for {@link BalanceEvent}s.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(BalanceListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Sets where listeners run. By default a ledger with listeners starts one daemon thread
         * that delivers events in order. An executor that runs tasks in the calling thread makes
         * listeners slow the operations; use it only in tests.
         *
         * @param executor the executor
         * @return this builder
         */
        public Builder eventExecutor(Executor executor) {
            this.eventExecutor = Objects.requireNonNull(executor, "eventExecutor");
            return this;
        }

        /**
         * Sets the store, a new {@link InMemoryBalanceStore} by default.
         *
         * @param store the store
         * @return this builder
         */
        public Builder store(BalanceStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Sets the config, {@link LedgerConfig#defaults()} by default.
         *
         * @param config the config
         * @return this builder
         */
        public Builder config(LedgerConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Sets the clock (a manual clock in tests), the system UTC clock by default.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets where {@link #listBalances(ListQuery)} finds labels (e-mail addresses) for user ids.
         *
         * @param directory the directory, {@link UserDirectory#NONE} by default
         * @return this builder
         */
        public Builder userDirectory(UserDirectory directory) {
            this.directory = Objects.requireNonNull(directory, "userDirectory");
            return this;
        }

        /**
         * Sets how often an operation that keeps losing the compare-and-set race is tried, and the
         * backoff between tries: the first retry is immediate (and takes its turn behind this
         * ledger's other operations on the account), then each waits a random time up to
         * {@code base * 2^(n-2)}, at most {@code max}.
         *
         * @param maxAttempts 1 to 1,000 (32 by default)
         * @param base the first backoff cap, 0 to 1 s (1 ms by default)
         * @param max the largest backoff cap, at least {@code base}, at most 10 s (100 ms by default)
         * @return this builder
         * @throws IllegalArgumentException if a value is out of range
         */
        public Builder retries(int maxAttempts, Duration base, Duration max) {
            if (maxAttempts < 1 || maxAttempts > 1000) {
                throw new IllegalArgumentException("maxAttempts must be between 1 and 1000, was " + maxAttempts);
            }
            Objects.requireNonNull(base, "base");
            Objects.requireNonNull(max, "max");
            if (base.isNegative() || base.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new IllegalArgumentException("base must be between 0 and 1 s, was " + base);
            }
            if (max.compareTo(base) < 0 || max.compareTo(Duration.ofSeconds(10)) > 0) {
                throw new IllegalArgumentException("max must be between base and 10 s, was " + max);
            }
            this.maxAttempts = maxAttempts;
            this.backoffBase = base;
            this.backoffMax = max;
            return this;
        }

        /** @return the ledger */
        public BalanceLedger build() {
            return new BalanceLedger(this);
        }
    }
}
