package dev.balancekit;

import dev.balancekit.internal.LedgerEngine;
import dev.balancekit.internal.LedgerMetrics;
import dev.balancekit.internal.Lookups;
import dev.balancekit.internal.MicrometerLedgerMetrics;
import dev.balancekit.internal.Outcome;
import dev.balancekit.internal.TimedBalanceStore;
import dev.balancekit.internal.Turns;
import dev.balancekit.memory.InMemoryBalanceStore;
import dev.balancekit.pricing.PriceMatch;
import dev.balancekit.spi.AccountState;
import dev.balancekit.spi.BalanceStore;
import dev.balancekit.spi.CasResult;
import dev.balancekit.spi.ReceiptRecord;
import dev.balancekit.spi.StoredAccount;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
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

    private static final int LAST_WRITTEN_MAX = 10_000;
    private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    /** The most models (with their endpoint) a ledger reports a {@link BalanceEvent.FallbackPrice} for. */
    static final int FALLBACK_MODELS_REPORTED = 10_000;
    private static final System.Logger LOG = System.getLogger(BalanceLedger.class.getName());
    private static final StoredAccount ABSENT =
            new StoredAccount(AccountState.empty("absent", Instant.EPOCH), 1);

    private final BalanceStore store;
    private volatile LedgerConfig config;
    private final Clock clock;
    private final UserDirectory directory;
    private final int maxAttempts;
    private final Duration backoffBase;
    private final Duration backoffMax;
    private final List<BalanceListener> listeners;
    private final @Nullable Executor eventExecutor;
    private final LedgerMetrics metrics;
    /** The state this ledger last wrote per account, so the next write can skip the load. */
    private final ConcurrentHashMap<String, StoredAccount> lastWritten = new ConcurrentHashMap<>();
    /** Models (and endpoints) already reported as priced by a generic row or the default price. */
    private final Set<String> fallbackReported = ConcurrentHashMap.newKeySet();
    /** Accounts whose operations in this ledger take turns because they collided. */
    private final Turns turns = new Turns();

    private BalanceLedger(Builder b) {
        this.metrics = b.metrics;
        BalanceStore base = b.store != null ? b.store : new InMemoryBalanceStore();
        this.store = metrics.timesStore() ? new TimedBalanceStore(base, metrics) : base;
        this.config = b.config;
        this.clock = b.clock;
        this.directory = b.directory;
        this.maxAttempts = b.maxAttempts;
        this.backoffBase = b.backoffBase;
        this.backoffMax = b.backoffMax;
        this.listeners = List.copyOf(b.listeners);
        this.eventExecutor = listeners.isEmpty() ? null
                : b.eventExecutor != null ? b.eventExecutor : newEventThread();
    }

    private static Executor newEventThread() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "balancekit-events");
            t.setDaemon(true);
            return t;
        });
    }

    /** @return a builder: in-memory store, default config, system clock */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the config in use */
    public LedgerConfig config() {
        return config;
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
        this.config = next;
        LOG.log(System.Logger.Level.INFO, "balance config reloaded from " + source);
        publish(List.of(new BalanceEvent.ConfigReloaded(clock.instant(), source)));
    }

    /**
     * Reports a new config that was rejected, keeping the config in use: the problems are logged
     * and listeners get a {@link BalanceEvent.ConfigRejected}.
     *
     * @param source where the rejected config came from
     * @param problems what is wrong with it, one message each
     */
    public void rejectConfig(String source, List<String> problems) {
        Requests.requireText("source", source);
        List<String> copy = List.copyOf(problems);
        LOG.log(System.Logger.Level.WARNING, "balance config from " + source + " rejected, keeping the previous one: "
                + String.join("; ", copy));
        publish(List.of(new BalanceEvent.ConfigRejected(clock.instant(), source, copy)));
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
        return run(request.user(), (state, now, cfg) -> LedgerEngine.check(state, request, cfg, now))
                .doOnNext(d -> {
                    metrics.decided("check", d);
                    observePrice(request.model(), request.endpoint(), false);
                });
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
        return run(request.user(), request.idempotencyKey(),
                (state, now, id, cfg, found) -> LedgerEngine.reserve(state, request, cfg, now, id, found))
                .doOnNext(r -> {
                    if (!r.replay()) {
                        metrics.decided("reserve", r.decision());
                        observePrice(request.model(), request.endpoint(), false);
                    }
                });
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
        return run(request.user(), request.idempotencyKey(),
                (state, now, id, cfg, found) -> LedgerEngine.charge(state, request, cfg, now, id, found))
                .doOnNext(r -> {
                    if (!r.replay()) {
                        observePrice(request.model(), request.endpoint(), true);
                    }
                });
    }

    /**
     * Makes a price that was not meant for the model visible: a charge priced by a generic row or the
     * default price is counted, and the first time a model is seen priced that way listeners get a
     * {@link BalanceEvent.FallbackPrice}. The match is cached by the table, so this costs a map look-up.
     */
    private void observePrice(String model, @Nullable String endpoint, boolean charged) {
        PriceMatch match = config.prices().match(model, endpoint);
        if (!match.kind().isFallback()) {
            return;
        }
        if (charged) {
            metrics.fallbackPriced(model, match);
        }
        String seen = endpoint == null ? model : endpoint + '\u0000' + model;
        if (fallbackReported.size() < FALLBACK_MODELS_REPORTED && fallbackReported.add(seen)) {
            LOG.log(System.Logger.Level.WARNING, "model '" + model + "'" + (endpoint == null ? "" : " on endpoint '"
                    + endpoint + "'") + " is priced by " + (match.valueKey() == null ? "the default rate"
                    : "the generic row '" + match.valueKey() + "'") + "; add a price for it (docs/guide.md)");
            publish(List.of(new BalanceEvent.FallbackPrice(clock.instant(), model, endpoint, match)));
        }
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
            return run(user, null, (state, now, id, cfg, found) -> LedgerEngine.release(state, user, holdId, cfg, now, id));
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
            return run(user, (state, now, cfg) -> LedgerEngine.extend(state, user, holdId, cfg.holdTtl(), cfg, now));
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
        return run(change.user(), change.idempotencyKey(),
                (state, now, id, cfg, found) -> LedgerEngine.addBalance(state, change, cfg, now, id, found));
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
        return run(change.user(), change.idempotencyKey(),
                (state, now, id, cfg, found) -> LedgerEngine.setBalance(state, change, cfg, now, id, found));
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
            return store.load(user).map(s -> LedgerEngine.view(s.state(), config, clock.instant()));
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
            return store.load(user).map(s -> LedgerEngine.usage(s.state(), config, clock.instant()));
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
            return run(user, null, (state, now, id, cfg, found) -> LedgerEngine.setTier(state, user, tier, actor, cfg, now, id));
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
            return store.history(user, query).collectList().map(list -> {
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
        return Mono.defer(() -> store.accounts(query).flatMap(page -> {
            Instant now = clock.instant();
            List<Mono<AccountView>> views = new ArrayList<>(page.items().size());
            for (AccountState s : page.items()) {
                AccountView v = LedgerEngine.view(s, config, now);
                views.add(directory.labelOf(s.user()).map(v::withLabel).defaultIfEmpty(v));
            }
            return Mono.zip(views, arr -> {
                List<AccountView> items = new ArrayList<>(arr.length);
                for (Object o : arr) {
                    items.add((AccountView) o);
                }
                return new Page<>(items, page.nextCursor());
            }).defaultIfEmpty(new Page<>(List.of(), page.nextCursor()));
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
            LedgerConfig cfg = config;
            return store.usage(query, cfg.zone()).collectList()
                    .map(groups -> UsageReports.report(query, cfg.zone(), groups, cfg.defaultTier()));
        });
    }

    /** A decision that needs no operation id. */
    @FunctionalInterface
    private interface Decider<R> {
        Outcome<R> decide(@Nullable AccountState state, Instant now, LedgerConfig config);
    }

    /**
     * A decision that appends entries or records a result under an operation id, given the entries
     * looked up so far for the state it decides on.
     */
    @FunctionalInterface
    private interface IdDecider<R> {
        Outcome<R> decide(@Nullable AccountState state, Instant now, String operationId, LedgerConfig config,
                Lookups found);
    }

    /** Runs a decision that usually writes nothing (a check): always from a fresh load. */
    private <R> Mono<R> run(String user, Decider<R> decider) {
        return run(user, null, false, (state, now, id, cfg, found) -> decider.decide(state, now, cfg));
    }

    /** Runs a decision that usually writes: from the state this ledger last wrote, if it has it. */
    private <R> Mono<R> run(String user, @Nullable String key, IdDecider<R> decider) {
        return run(user, key, true, decider);
    }

    private <R> Mono<R> run(String user, @Nullable String key, boolean fromLastWrite, IdDecider<R> decider) {
        return Mono.defer(() -> {
            // One id per call, kept across retries, so a retried decision appends the same entries.
            String operationId = key != null ? key : newOperationId();
            if (turns.active(user)) {
                return turns.inTurn(user, () -> attempt(user, operationId, fromLastWrite, decider, 1, true));
            }
            return attempt(user, operationId, fromLastWrite, decider, 1, false);
        });
    }

    /**
     * One load, decide, compare-and-set. A mutating operation may start from the state this ledger
     * wrote last for the account instead of loading it: the compare-and-set names that state's
     * version, so if anyone else wrote since, it conflicts and the retry loads afresh. A decision
     * that would write nothing (a denial, a replay) or that rejects the request is never answered
     * from that state: it is decided again from a fresh load, since only a write would have caught
     * a stale state.
     *
     * <p>An operation that loses a compare-and-set takes its turn for the account: from then on,
     * while any are waiting, this ledger's operations on the account run one at a time, so they
     * stop racing each other and none starves; further conflicts can only come from elsewhere and
     * are retried after a jittered delay.
     *
     * @param inTurn whether this attempt runs in the account's turn
     */
    private <R> Mono<R> attempt(String user, String operationId, boolean fromLastWrite, IdDecider<R> decider,
            int attempt, boolean inTurn) {
        StoredAccount remembered = fromLastWrite ? lastWritten.get(user) : null;
        Mono<StoredAccount> source = remembered != null ? Mono.just(remembered) : store.load(user).defaultIfEmpty(ABSENT);
        return source.flatMap(stored -> {
            AccountState state = isAbsent(stored) ? null : stored.state();
            Outcome<R> outcome;
            Lookups found = new Lookups();
            try {
                outcome = decider.decide(state, clock.instant(), operationId, config, found);
            } catch (RuntimeException e) {
                if (remembered == null) {
                    throw e;
                }
                // a stale state can make a good request look bad (a hold made elsewhere): decide afresh
                lastWritten.remove(user, remembered);
                return attempt(user, operationId, false, decider, attempt, inTurn);
            }
            if (outcome.lookup() != null) {
                if (remembered != null) {
                    // the history answers for a stored state: load it first, then look up
                    lastWritten.remove(user, remembered);
                    return attempt(user, operationId, false, decider, attempt, inTurn);
                }
                return lookUp(user, state, operationId, decider, outcome, found)
                        .flatMap(decided -> apply(user, stored, state, null, operationId, fromLastWrite, decider, attempt,
                                inTurn, decided));
            }
            return apply(user, stored, state, remembered, operationId, fromLastWrite, decider, attempt, inTurn, outcome);
        });
    }

    /**
     * Reads the entries a decision asked for and decides again with them, until it asks for nothing
     * more. Every lookup names an operation or a hold, and the engine asks for each at most once.
     */
    private <R> Mono<Outcome<R>> lookUp(String user, @Nullable AccountState state, String operationId,
            IdDecider<R> decider, Outcome<R> outcome, Lookups found) {
        Lookups.Lookup lookup = outcome.lookup();
        if (lookup == null) {
            return Mono.just(outcome);
        }
        Flux<LedgerEntry> entries = lookup.kind() == Lookups.Kind.OPERATION
                ? store.operationEntries(user, lookup.id())
                : store.holdEntries(user, lookup.id());
        return entries.collectList().flatMap(list -> {
            found.put(lookup, list);
            Outcome<R> next = decider.decide(state, clock.instant(), operationId, config, found);
            if (next.lookup() != null && next.lookup().equals(lookup)) {
                return Mono.error(new IllegalStateException("the decision asked twice for " + lookup));
            }
            return lookUp(user, state, operationId, decider, next, found);
        });
    }

    /** Writes a decision's outcome (or answers without a write), then reports it. */
    private <R> Mono<R> apply(String user, StoredAccount stored, @Nullable AccountState state,
            @Nullable StoredAccount remembered, String operationId, boolean fromLastWrite, IdDecider<R> decider,
            int attempt, boolean inTurn, Outcome<R> outcome) {
        AccountState next = outcome.next();
        if (next == null) {
            if (remembered != null) {
                lastWritten.remove(user, remembered);
                return attempt(user, operationId, false, decider, attempt, inTurn);
            }
            metrics.applied(outcome.events(), 0);
            publish(outcome.events());
            ReceiptRecord first = outcome.replayed();
            return first == null || first.entryCount() == 0 ? Mono.just(outcome.decided())
                    : entriesOf(user, first).map(outcome::withEntries);
        }
        long version = isAbsent(stored) ? 0 : stored.version();
        return store.compareAndSet(user, version, next, outcome.entries()).flatMap(r -> {
            if (r != CasResult.APPLIED) {
                if (remembered != null) {
                    // stale; a newer state this ledger wrote since stays
                    lastWritten.remove(user, remembered);
                }
                metrics.conflict();
                return retry(user, operationId, fromLastWrite, decider, attempt, inTurn);
            }
            remember(user, new StoredAccount(next, version + 1));
            metrics.applied(outcome.events(), next.holds().size() - (state == null ? 0 : state.holds().size()));
            publish(outcome.events());
            return Mono.just(outcome.decided());
        });
    }

    /** Whether a load found no account: {@link #ABSENT} is a marker, compared by identity. */
    @SuppressWarnings("ReferenceEquality") // an equal account that was loaded is not the marker
    private static boolean isAbsent(StoredAccount stored) {
        return stored == ABSENT;
    }

    /** Reads a remembered operation's entries back from the history, in sequence order. */
    private Mono<List<LedgerEntry>> entriesOf(String user, ReceiptRecord first) {
        long end = first.firstSeq() + first.entryCount();
        String prefix = first.operationId() + '#';
        return store.history(user, HistoryQuery.all().withLimit(first.entryCount()).after("s" + end))
                .filter(e -> e.seq() >= first.firstSeq() && e.id().startsWith(prefix))
                .collectList()
                .map(newestFirst -> {
                    if (newestFirst.size() != first.entryCount()) {
                        throw new IllegalStateException("the history of user '" + user + "' lacks entries of operation '"
                                + first.operationId() + "': found " + newestFirst.size() + " of " + first.entryCount()
                                + " below seq " + end);
                    }
                    List<LedgerEntry> inOrder = new ArrayList<>(newestFirst);
                    Collections.reverse(inOrder);
                    return inOrder;
                });
    }

    private void remember(String user, StoredAccount written) {
        if (lastWritten.size() >= LAST_WRITTEN_MAX) {
            // a crude bound: forgetting only costs the next operation of each account one load
            lastWritten.clear();
        }
        // concurrent writers of one account may finish out of order: keep the newest version
        lastWritten.merge(user, written, (old, now) -> now.version() > old.version() ? now : old);
    }

    /** Hands events to the listeners on the event thread; a failing listener is logged and skipped. */
    private void publish(List<BalanceEvent> events) {
        Executor executor = eventExecutor;
        if (executor == null || events.isEmpty()) {
            return;
        }
        try {
            executor.execute(() -> {
                for (BalanceEvent event : events) {
                    for (BalanceListener listener : listeners) {
                        try {
                            listener.onEvent(event);
                        } catch (RuntimeException | Error e) {
                            LOG.log(System.Logger.Level.WARNING, "balance listener " + listener + " failed on " + event, e);
                        }
                    }
                }
            });
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "balance events dropped: the event executor refused them", e);
        }
    }

    /**
     * Starts the next attempt after a lost compare-and-set, or gives up after {@code maxAttempts}.
     * The first loss puts the operation in the account's turn at once (see {@link #attempt}); a loss
     * in turn retries after a jittered delay. The operation id stays the same, so a retried decision
     * appends the same entries.
     */
    private <R> Mono<R> retry(String user, String operationId, boolean fromLastWrite, IdDecider<R> decider,
            int failed, boolean inTurn) {
        if (failed >= maxAttempts) {
            metrics.exhausted();
            return Mono.error(new ConflictRetriesExhaustedException(user, failed));
        }
        if (!inTurn) {
            return turns.inTurn(user, () -> attempt(user, operationId, fromLastWrite, decider, failed + 1, true));
        }
        Mono<R> next = Mono.defer(() -> attempt(user, operationId, fromLastWrite, decider, failed + 1, true));
        Duration delay = backoff(failed);
        return delay.isZero() ? next : Mono.delay(delay).then(next);
    }

    /** Full jitter: the first retry in turn is immediate, then a random delay up to an exponential cap. */
    private Duration backoff(long attempts) {
        if (attempts <= 1) {
            return Duration.ZERO;
        }
        long capNanos = backoffBase.toNanos() << Math.min(attempts - 2, 20);
        capNanos = Math.min(capNanos, backoffMax.toNanos());
        return Duration.ofNanos(ThreadLocalRandom.current().nextLong(capNanos + 1));
    }

    /**
     * A fresh operation id: 12 characters of the URL-safe base 64 alphabet, 72 random bits. It only
     * has to differ from the account's other operation ids (entry ids add the sequence number), and
     * it is short because every pending entry carries it.
     */
    private static String newOperationId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long bits = r.nextLong();
        long more = r.nextInt(256);
        char[] id = new char[12];
        for (int i = 0; i < 12; i++) {
            int six = i < 10 ? (int) (bits >>> (6 * i)) & 63 : (int) (((bits >>> 60) | (more << 4)) >>> (6 * (i - 10))) & 63;
            id[i] = ID_ALPHABET.charAt(six);
        }
        return new String(id);
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
        private LedgerMetrics metrics = LedgerMetrics.NONE;

        private Builder() {
        }

        /**
         * Reports the ledger's meters (docs/metrics.md) to a Micrometer registry. Without one,
         * nothing is measured and Micrometer need not be on the class path.
         *
         * @param registry the registry
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.metrics = new MicrometerLedgerMetrics(Objects.requireNonNull(registry, "meterRegistry"));
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
