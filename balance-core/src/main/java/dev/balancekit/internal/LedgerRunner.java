package dev.balancekit.internal;

import dev.balancekit.AccountView;
import dev.balancekit.BalanceChange;
import dev.balancekit.BalanceDecision;
import dev.balancekit.BalanceEvent;
import dev.balancekit.BalanceListener;
import dev.balancekit.BalanceRequest;
import dev.balancekit.ChargeRequest;
import dev.balancekit.ConflictRetriesExhaustedException;
import dev.balancekit.HistoryQuery;
import dev.balancekit.Hold;
import dev.balancekit.LedgerConfig;
import dev.balancekit.LedgerEntry;
import dev.balancekit.Receipt;
import dev.balancekit.Reservation;
import dev.balancekit.WindowUsage;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The ledger's machinery behind {@link dev.balancekit.BalanceLedger}, the one type of this package
 * the ledger uses: each operation loads the account, lets {@link LedgerEngine} decide, and writes
 * the result with a compare-and-set, retrying on a conflict; it also keeps the config in use,
 * measures, and hands events to the listeners. The ledger checks the arguments before it calls in.
 * Not API: this package is not exported.
 */
public final class LedgerRunner {

    private static final int LAST_WRITTEN_MAX = 10_000;
    private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    /** The most models (with their endpoint) a ledger reports a {@link BalanceEvent.FallbackPrice} for. */
    static final int FALLBACK_MODELS_REPORTED = 10_000;

    private static final System.Logger LOG = System.getLogger("dev.balancekit.BalanceLedger");
    private static final StoredAccount ABSENT = new StoredAccount(AccountState.empty("absent", Instant.EPOCH), 1);

    private final BalanceStore store;
    private volatile LedgerConfig config;
    private final Clock clock;
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
    private final AccountQueues queues = new AccountQueues();

    /**
     * Starts the machinery of one ledger; the arguments are checked by the ledger's builder.
     *
     * @param store the store
     * @param config the config to start with
     * @param clock the clock
     * @param maxAttempts how often an operation that keeps losing the compare-and-set is tried
     * @param backoffBase the first backoff cap
     * @param backoffMax the largest backoff cap
     * @param listeners the listeners, maybe none
     * @param eventExecutor where listeners run, or null for one daemon thread (when there are listeners)
     * @param meterRegistry where to report the meters, or null to measure nothing
     */
    public LedgerRunner(
            BalanceStore store,
            LedgerConfig config,
            Clock clock,
            int maxAttempts,
            Duration backoffBase,
            Duration backoffMax,
            List<BalanceListener> listeners,
            @Nullable Executor eventExecutor,
            @Nullable MeterRegistry meterRegistry) {
        this.metrics = meterRegistry == null ? LedgerMetrics.NONE : new MicrometerLedgerMetrics(meterRegistry);
        this.store = metrics.timesStore() ? new TimedBalanceStore(store, metrics) : store;
        this.config = config;
        this.clock = clock;
        this.maxAttempts = maxAttempts;
        this.backoffBase = backoffBase;
        this.backoffMax = backoffMax;
        this.listeners = List.copyOf(listeners);
        this.eventExecutor = this.listeners.isEmpty() ? null : eventExecutor != null ? eventExecutor : newEventThread();
    }

    private static Executor newEventThread() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "balancekit-events");
            t.setDaemon(true);
            return t;
        });
    }

    /** @return the store, timed when the ledger is measured */
    public BalanceStore store() {
        return store;
    }

    /** @return the config in use */
    public LedgerConfig config() {
        return config;
    }

    /** @return the clock */
    public Clock clock() {
        return clock;
    }

    /**
     * Replaces the config; see {@link dev.balancekit.BalanceLedger#reconfigure}.
     *
     * @param next the new config
     * @param source where it came from
     */
    public void reconfigure(LedgerConfig next, String source) {
        this.config = next;
        LOG.log(System.Logger.Level.INFO, "balance config reloaded from " + source);
        publish(List.of(new BalanceEvent.ConfigReloaded(clock.instant(), source)));
    }

    /**
     * Reports a rejected config; see {@link dev.balancekit.BalanceLedger#rejectConfig}.
     *
     * @param source where it came from
     * @param problems what is wrong with it
     */
    public void rejectConfig(String source, List<String> problems) {
        List<String> copy = List.copyOf(problems);
        LOG.log(
                System.Logger.Level.WARNING,
                "balance config from " + source + " rejected, keeping the previous one: " + String.join("; ", copy));
        publish(List.of(new BalanceEvent.ConfigRejected(clock.instant(), source, copy)));
    }

    /**
     * Checks a request without holding anything.
     *
     * @param request the request
     * @return the decision
     */
    public Mono<BalanceDecision> check(BalanceRequest request) {
        return run(request.user(), (state, now, cfg) -> LedgerEngine.check(state, request, cfg, now))
                .doOnNext(d -> {
                    metrics.decided("check", d);
                    observePrice(request.model(), request.endpoint(), false);
                });
    }

    /**
     * Checks a request and holds its estimated cost when allowed.
     *
     * @param request the request
     * @return the reservation
     */
    public Mono<Reservation> reserve(BalanceRequest request) {
        return run(
                        request.user(),
                        request.idempotencyKey(),
                        (state, now, id, cfg, found) -> LedgerEngine.reserve(state, request, cfg, now, id, found))
                .doOnNext(r -> {
                    if (!r.replay()) {
                        metrics.decided("reserve", r.decision());
                        observePrice(request.model(), request.endpoint(), false);
                    }
                });
    }

    /**
     * Charges the actual usage of a model call.
     *
     * @param request the charge
     * @return the receipt
     */
    public Mono<Receipt> charge(ChargeRequest request) {
        return run(
                        request.user(),
                        request.idempotencyKey(),
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
            LOG.log(
                    System.Logger.Level.WARNING,
                    "model '" + model + "'" + (endpoint == null ? "" : " on endpoint '" + endpoint + "'")
                            + " is priced by "
                            + (match.valueKey() == null
                                    ? "the default rate"
                                    : "the generic row '" + match.valueKey() + "'")
                            + "; add a price for it (docs/guide.md)");
            publish(List.of(new BalanceEvent.FallbackPrice(clock.instant(), model, endpoint, match)));
        }
    }

    /**
     * Releases a hold.
     *
     * @param user the user id
     * @param holdId the hold
     * @return a receipt without entries
     */
    public Mono<Receipt> release(String user, String holdId) {
        return run(user, null, (state, now, id, cfg, found) -> LedgerEngine.release(state, user, holdId, cfg, now, id));
    }

    /**
     * Extends an active hold by the config's hold time from now.
     *
     * @param user the user id
     * @param holdId the hold
     * @return the extended hold
     */
    public Mono<Hold> extendHold(String user, String holdId) {
        return run(user, (state, now, cfg) -> LedgerEngine.extend(state, user, holdId, cfg.holdTtl(), cfg, now));
    }

    /**
     * Adds credits to an account.
     *
     * @param change the change
     * @return the receipt
     */
    public Mono<Receipt> addBalance(BalanceChange change) {
        return run(
                change.user(),
                change.idempotencyKey(),
                (state, now, id, cfg, found) -> LedgerEngine.addBalance(state, change, cfg, now, id, found));
    }

    /**
     * Overwrites an account's balance.
     *
     * @param change the change
     * @return the receipt
     */
    public Mono<Receipt> setBalance(BalanceChange change) {
        return run(
                change.user(),
                change.idempotencyKey(),
                (state, now, id, cfg, found) -> LedgerEngine.setBalance(state, change, cfg, now, id, found));
    }

    /**
     * Moves an account to another tier.
     *
     * @param user the user id
     * @param tier a tier of the config
     * @param actor who makes the change, or null
     * @return the receipt
     */
    public Mono<Receipt> setTier(String user, String tier, @Nullable String actor) {
        return run(
                user,
                null,
                (state, now, id, cfg, found) -> LedgerEngine.setTier(state, user, tier, actor, cfg, now, id));
    }

    /**
     * Reads an account.
     *
     * @param user the user id
     * @return the account, or empty when the user has no account
     */
    public Mono<AccountView> balance(String user) {
        return store.load(user).map(s -> view(s.state(), clock.instant()));
    }

    /**
     * Reads a user's usage in the current windows.
     *
     * @param user the user id
     * @return the daily, weekly and monthly usage; empty when the user has no account
     */
    public Mono<List<WindowUsage>> usage(String user) {
        return store.load(user).map(s -> LedgerEngine.usage(s.state(), config, clock.instant()));
    }

    /**
     * The view of a stored account under the config in use.
     *
     * @param state the account
     * @param now the time
     * @return its view
     */
    public AccountView view(AccountState state, Instant now) {
        return LedgerEngine.view(state, config, now);
    }

    /** A decision that needs no operation id. */
    @FunctionalInterface
    private interface Decider<R> {
        Transition<R> decide(@Nullable AccountState state, Instant now, LedgerConfig config);
    }

    /**
     * A decision that appends entries or records a result under an operation id, given the entries
     * looked up so far for the state it decides on.
     */
    @FunctionalInterface
    private interface IdDecider<R> {
        Transition<R> decide(
                @Nullable AccountState state, Instant now, String operationId, LedgerConfig config, Lookups found);
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
            // A write waits for this ledger's other writes of the account, so that they never race
            // each other: it starts from the state the one before it wrote, and its compare-and-set
            // can only meet another process's write. A check waits only while writes take turns.
            if (fromLastWrite || queues.active(user)) {
                return queues.inTurn(user, () -> attempt(user, operationId, fromLastWrite, decider, 1, true));
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
     * <p>Writes run in the account's turn (see {@code run}), so this ledger's writes of an account
     * never race each other; a conflict can only come from elsewhere (or from a check that ran out
     * of turn) and is retried in turn, at once the first time, then after a jittered delay.
     *
     * @param inTurn whether this attempt runs in the account's turn
     */
    private <R> Mono<R> attempt(
            String user, String operationId, boolean fromLastWrite, IdDecider<R> decider, int attempt, boolean inTurn) {
        StoredAccount remembered = fromLastWrite ? lastWritten.get(user) : null;
        Mono<StoredAccount> source =
                remembered != null ? Mono.just(remembered) : store.load(user).defaultIfEmpty(ABSENT);
        return source.flatMap(stored -> {
            AccountState state = isAbsent(stored) ? null : stored.state();
            Transition<R> outcome;
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
                        .flatMap(decided -> apply(
                                user,
                                stored,
                                state,
                                null,
                                operationId,
                                fromLastWrite,
                                decider,
                                attempt,
                                inTurn,
                                decided));
            }
            return apply(
                    user, stored, state, remembered, operationId, fromLastWrite, decider, attempt, inTurn, outcome);
        });
    }

    /**
     * Reads the entries a decision asked for and decides again with them, until it asks for nothing
     * more. Every lookup names an operation or a hold, and the engine asks for each at most once.
     */
    private <R> Mono<Transition<R>> lookUp(
            String user,
            @Nullable AccountState state,
            String operationId,
            IdDecider<R> decider,
            Transition<R> outcome,
            Lookups found) {
        Lookups.Lookup lookup = outcome.lookup();
        if (lookup == null) {
            return Mono.just(outcome);
        }
        Flux<LedgerEntry> entries = lookup.kind() == Lookups.Kind.OPERATION
                ? store.operationEntries(user, lookup.id())
                : store.holdEntries(user, lookup.id());
        return entries.collectList().flatMap(list -> {
            found.put(lookup, list);
            Transition<R> next = decider.decide(state, clock.instant(), operationId, config, found);
            if (next.lookup() != null && next.lookup().equals(lookup)) {
                return Mono.error(new IllegalStateException("the decision asked twice for " + lookup));
            }
            return lookUp(user, state, operationId, decider, next, found);
        });
    }

    /** Writes a decision's outcome (or answers without a write), then reports it. */
    private <R> Mono<R> apply(
            String user,
            StoredAccount stored,
            @Nullable AccountState state,
            @Nullable StoredAccount remembered,
            String operationId,
            boolean fromLastWrite,
            IdDecider<R> decider,
            int attempt,
            boolean inTurn,
            Transition<R> outcome) {
        AccountState next = outcome.next();
        if (next == null) {
            if (remembered != null) {
                lastWritten.remove(user, remembered);
                return attempt(user, operationId, false, decider, attempt, inTurn);
            }
            metrics.applied(outcome.events(), 0);
            publish(outcome.events());
            ReceiptRecord first = outcome.replayed();
            return first == null || first.entryCount() == 0
                    ? Mono.just(outcome.decided())
                    : entriesOf(user, first).map(outcome::withEntries);
        }
        long version = isAbsent(stored) ? 0 : stored.version();
        return store.compareAndSet(user, version, state, next, outcome.entries())
                .flatMap(r -> {
                    if (r != CasResult.APPLIED) {
                        if (remembered != null) {
                            // stale; a newer state this ledger wrote since stays
                            lastWritten.remove(user, remembered);
                        }
                        metrics.conflict();
                        return retry(user, operationId, fromLastWrite, decider, attempt, inTurn);
                    }
                    remember(user, new StoredAccount(next, version + 1));
                    metrics.applied(
                            outcome.events(),
                            next.holds().size()
                                    - (state == null ? 0 : state.holds().size()));
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
        return store.history(
                        user, HistoryQuery.all().withLimit(first.entryCount()).after("s" + end))
                .filter(e -> e.seq() >= first.firstSeq() && e.id().startsWith(prefix))
                .collectList()
                .map(newestFirst -> {
                    if (newestFirst.size() != first.entryCount()) {
                        throw new IllegalStateException("the history of user '" + user
                                + "' lacks entries of operation '"
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
                            LOG.log(
                                    System.Logger.Level.WARNING,
                                    "balance listener " + listener + " failed on " + event,
                                    e);
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
    private <R> Mono<R> retry(
            String user, String operationId, boolean fromLastWrite, IdDecider<R> decider, int failed, boolean inTurn) {
        if (failed >= maxAttempts) {
            metrics.exhausted();
            return Mono.error(new ConflictRetriesExhaustedException(user, failed));
        }
        if (!inTurn) {
            return queues.inTurn(user, () -> attempt(user, operationId, fromLastWrite, decider, failed + 1, true));
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
            int six = i < 10
                    ? (int) (bits >>> (6 * i)) & 63
                    : (int) (((bits >>> 60) | (more << 4)) >>> (6 * (i - 10))) & 63;
            id[i] = ID_ALPHABET.charAt(six);
        }
        return new String(id);
    }
}
