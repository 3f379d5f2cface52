package dev.balancekit.internal;

import dev.balancekit.AccountView;
import dev.balancekit.BalanceChange;
import dev.balancekit.BalanceDecision;
import dev.balancekit.BalanceEvent;
import dev.balancekit.BalanceNotEnabledException;
import dev.balancekit.BalanceRequest;
import dev.balancekit.ChargeRequest;
import dev.balancekit.Credits;
import dev.balancekit.DenialReason;
import dev.balancekit.EntryContext;
import dev.balancekit.Hold;
import dev.balancekit.LedgerConfig;
import dev.balancekit.LedgerEntry;
import dev.balancekit.Receipt;
import dev.balancekit.Reservation;
import dev.balancekit.TokenType;
import dev.balancekit.UnknownModelPolicy;
import dev.balancekit.Usage;
import dev.balancekit.UsageWindow;
import dev.balancekit.WindowUsage;
import dev.balancekit.policy.PolicyVerdict;
import dev.balancekit.policy.Shortfall;
import dev.balancekit.pricing.Multiplier;
import dev.balancekit.pricing.PriceMatch;
import dev.balancekit.pricing.PricedLine;
import dev.balancekit.pricing.PricedUsage;
import dev.balancekit.spi.AccountState;
import dev.balancekit.spi.OperationRecord;
import dev.balancekit.spi.ReceiptRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The ledger's decisions, as pure functions of (account state, request, config, time). Nothing here
 * does I/O or reads a clock: the caller loads the state, calls one of these, and writes the
 * outcome with a compare-and-set, retrying from the load on a conflict.
 *
 * <p>Every method first brings the state up to date: holds past their expiry are dropped, and the
 * start balance is granted if the account has never been funded while the ledger was enabled.
 * Those changes are written only along with the operation's own changes (or when they create or
 * fund the account), so a read-only check stays read-only.
 *
 * <p>Bad input throws {@link IllegalArgumentException}; business outcomes are values.
 */
final class LedgerEngine {

    private LedgerEngine() {}

    /**
     * Checks whether a request fits, without holding anything. Writes only when the account is
     * new (or has never been funded), to create it with its start balance.
     *
     * @param state the account, or null if it does not exist
     * @param request the request
     * @param config the config
     * @param now the time
     * @return the decision
     */
    public static Transition<BalanceDecision> check(
            @Nullable AccountState state, BalanceRequest request, LedgerConfig config, Instant now) {
        Draft d = new Draft(state, request.user(), config, now);
        BalanceDecision decision = decide(d, request);
        return decided(d, decision);
    }

    /** A check's or denial's outcome: written only when the account itself had to change. */
    private static <R> Transition<R> decided(Draft d, R result) {
        if (d.mustPersist()) {
            AccountState next = d.build();
            return new Transition<>(next, d.entries, result, List.copyOf(d.events));
        }
        List<BalanceEvent> denied = new ArrayList<>(1);
        for (BalanceEvent e : d.events) {
            if (e instanceof BalanceEvent.Denied) {
                denied.add(e);
            }
        }
        return new Transition<>(null, List.of(), result, denied);
    }

    /**
     * Checks a request and, when it is allowed, holds its estimated cost (on fallback, the free
     * model's estimated cost). With an idempotency key the outcome, a denial included, is written
     * and remembered under the key, so every repeat answers the same.
     *
     * @param state the account, or null if it does not exist
     * @param request the request
     * @param config the config
     * @param now the time
     * @param operationId the id of this operation: its idempotency key, or a fresh id
     * @return the reservation
     * @throws IllegalArgumentException if the idempotency key was used for another request
     */
    public static Transition<Reservation> reserve(
            @Nullable AccountState state,
            BalanceRequest request,
            LedgerConfig config,
            Instant now,
            String operationId) {
        return reserve(state, request, config, now, operationId, new Lookups());
    }

    /**
     * Checks a request and, when it is allowed, holds its estimated cost; may first ask for the
     * entries of its idempotency key (see {@link Transition#lookup()}).
     *
     * @param state the account, or null if it does not exist
     * @param request the request
     * @param config the config
     * @param now the time
     * @param operationId the id of this operation: its idempotency key, or a fresh id
     * @param found the entries looked up so far for this state
     * @return the reservation, or a lookup to make first
     * @throws IllegalArgumentException if the idempotency key was used for another request
     */
    public static Transition<Reservation> reserve(
            @Nullable AccountState state,
            BalanceRequest request,
            LedgerConfig config,
            Instant now,
            String operationId,
            Lookups found) {
        String key = request.idempotencyKey();
        String fingerprint = key == null
                ? ""
                : Fingerprint.of(
                        "reserve",
                        withEndpoint(
                                request.endpoint(),
                                request.model(),
                                request.promptTokens(),
                                request.maxOutputTokens(),
                                request.exempt()));
        Prior prior = prior(state, key, found);
        if (prior.need() != null) {
            return prior.needed();
        }
        if (prior.record != null) {
            if (!prior.record.fingerprint().equals(fingerprint) || prior.record.reservation() == null) {
                throw keyReused(key);
            }
            Reservation r = prior.record.reservation();
            return Transition.unchanged(new Reservation(r.decision(), r.hold(), true));
        }
        if (!prior.entries.isEmpty()) {
            // the key charged or changed the balance: it was not a reservation
            throw keyReused(key);
        }
        Draft d = new Draft(state, request.user(), config, now);
        BalanceDecision decision = decide(d, request);
        if (!decision.isAllowed()) {
            Reservation denied = new Reservation(decision, null, false);
            if (request.idempotencyKey() == null) {
                return decided(d, denied);
            }
            // A keyed denial is written and remembered like an allowance: answered from an older state
            // without a write, it could contradict a hold another process made under the same key.
            d.addOperation(new OperationRecord(request.idempotencyKey(), fingerprint, now, null, denied));
            return new Transition<>(d.build(), d.entries, denied, List.copyOf(d.events));
        }
        Credits amount = decision.status() == BalanceDecision.Status.FALLBACK
                ? estimate(config, decision.model(), null, request, d.settings.multiplier(), day(config, now))
                : decision.estimatedCost();
        long tokens = request.promptTokens() + request.maxOutputTokens();
        Hold hold = new Hold(d.nextHoldId(), amount, tokens, decision.model(), now, now.plus(config.holdTtl()));
        Credits heldBefore = d.held();
        d.addHold(hold);
        try {
            // every later operation adds up the holds: they must stay countable
            d.available();
            d.heldTokens();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    "hold of " + amount + " credits would overflow the holds of user '" + request.user()
                            + "', which hold " + heldBefore,
                    e);
        }
        Reservation reservation = new Reservation(decision, hold, false);
        if (request.idempotencyKey() != null) {
            d.addOperation(new OperationRecord(request.idempotencyKey(), fingerprint, now, null, reservation));
        }
        AccountState next = d.build();
        return new Transition<>(next, d.entries, reservation, List.copyOf(d.events));
    }

    /**
     * Charges actual usage, settling a hold when one is named. Usage that happened is always
     * recorded in full, whatever the balance; while the ledger is disabled the entries are recorded
     * with a value of zero.
     *
     * @param state the account, or null if it does not exist
     * @param request the charge
     * @param config the config
     * @param now the time
     * @param operationId the id of this operation: its idempotency key, or a fresh id
     * @return the receipt
     * @throws IllegalArgumentException if the hold is not the user's, was already settled, or the
     *     idempotency key was used for another request
     */
    public static Transition<Receipt> charge(
            @Nullable AccountState state, ChargeRequest request, LedgerConfig config, Instant now, String operationId) {
        return charge(state, request, config, now, operationId, new Lookups());
    }

    /**
     * Charges actual usage, settling a hold when one is named; may first ask for the entries of its
     * idempotency key or of a closed hold (see {@link Transition#lookup()}).
     *
     * @param state the account, or null if it does not exist
     * @param request the charge
     * @param config the config
     * @param now the time
     * @param operationId the id of this operation: its idempotency key, or a fresh id
     * @param found the entries looked up so far for this state
     * @return the receipt, or a lookup to make first
     * @throws IllegalArgumentException if the hold is not the user's, was already settled, or the
     *     idempotency key was used for another request
     */
    public static Transition<Receipt> charge(
            @Nullable AccountState state,
            ChargeRequest request,
            LedgerConfig config,
            Instant now,
            String operationId,
            Lookups found) {
        String key = request.idempotencyKey();
        var u = request.usage();
        String fingerprint = fingerprint(request);
        Prior prior = prior(state, key, found);
        if (prior.need() != null) {
            return prior.needed();
        }
        if (prior.record != null) {
            if (!prior.record.fingerprint().equals(fingerprint)) {
                throw keyReused(key);
            }
            return replayed(request.user(), prior.record.receipt(), key);
        }
        if (!prior.entries.isEmpty()) {
            if (!fingerprint.equals(chargeFingerprint(request, prior.entries))) {
                throw keyReused(key);
            }
            return replayed(state, request.user(), prior.entries, config, now);
        }
        String holdId = request.holdId();
        Draft d = new Draft(state, request.user(), config, now);
        if (holdId != null) {
            Hold hold = d.findHold(holdId);
            if (hold != null) {
                d.removeHold(hold);
            } else {
                if (!d.isClosedHold(holdId)) {
                    throw unknownHold(request.user(), holdId);
                }
                // Settled, released or expired: the history tells whether a charge already used it.
                List<LedgerEntry> charged = found.get(Lookups.Kind.HOLD, holdId);
                if (charged == null) {
                    return Transition.needs(Lookups.Kind.HOLD, holdId);
                }
                if (!charged.isEmpty()) {
                    // without a key, the same charge again is a retry; a new key is a new charge
                    if (key == null && fingerprint.equals(chargeFingerprint(request, charged))) {
                        return replayed(state, request.user(), charged, config, now);
                    }
                    throw new IllegalArgumentException("holdId '" + holdId + "' of user '" + request.user()
                            + "' was already settled at " + charged.get(0).createdAt());
                }
                // Released or expired: the usage still happened, so it is charged without a hold.
            }
        }
        // the rates in force when the charge is made, whatever they were when its hold was estimated
        PricedUsage priced = price(config, request, d.settings.multiplier(), day(config, now));
        Credits before = d.balance;
        // expired holds and a due refill happened before the charge, what the charge causes after it
        int chargedAt = d.events.size();
        try {
            int n = 0;
            n = chargeLine(d, operationId, n, TokenType.PROMPT, priced.prompt(), priced.valueKey(), request);
            chargeLine(d, operationId, n, TokenType.COMPLETION, priced.completion(), priced.valueKey(), request);
            d.totalTokens = Math.addExact(d.totalTokens, u.totalTokens());
            d.recordUsage(valued(config) ? priced.total() : Credits.ZERO, u.totalTokens());
            writeOff(d, operationId, before, request);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    "charge of " + priced.total() + " credits would overflow the balance of user '" + request.user()
                            + "', was " + before,
                    e);
        }
        Transition<Receipt> outcome = finish(d, operationId, key, fingerprint);
        d.events.add(chargedAt, new BalanceEvent.Charged(request.user(), now, outcome.decided()));
        return new Transition<>(outcome.next(), outcome.entries(), outcome.decided(), List.copyOf(d.events));
    }

    /**
     * Releases a hold. Releasing a hold that is already settled, released or expired changes
     * nothing and is not an error.
     *
     * @param state the account, or null if it does not exist
     * @param user the user id
     * @param holdId the hold
     * @param config the config
     * @param now the time
     * @param operationId the id of this operation
     * @return a receipt without entries
     * @throws IllegalArgumentException if the hold is not the user's
     */
    public static Transition<Receipt> release(
            @Nullable AccountState state,
            String user,
            String holdId,
            LedgerConfig config,
            Instant now,
            String operationId) {
        Draft d = new Draft(state, user, config, now);
        Hold hold = d.findHold(holdId);
        if (hold == null) {
            if (!d.isClosedHold(holdId)) {
                throw unknownHold(user, holdId);
            }
            return decided(d, new Receipt(user, operationId, List.of(), d.balance, d.available(), true));
        }
        d.removeHold(hold);
        return finish(d, operationId, null, "");
    }

    /**
     * Extends an active hold so that it expires {@code ttl} from now (never earlier than it would).
     *
     * @param state the account, or null if it does not exist
     * @param user the user id
     * @param holdId the hold
     * @param ttl the new remaining lifetime
     * @param config the config
     * @param now the time
     * @return the extended hold
     * @throws IllegalArgumentException if the hold is not the user's or no longer active
     */
    public static Transition<Hold> extend(
            @Nullable AccountState state, String user, String holdId, Duration ttl, LedgerConfig config, Instant now) {
        Draft d = new Draft(state, user, config, now);
        Hold hold = d.findHold(holdId);
        if (hold == null) {
            Hold expired = d.expiredNow(holdId);
            if (expired != null) {
                throw new IllegalArgumentException("holdId '" + holdId + "' of user '" + user
                        + "' is no longer active: expired at " + expired.expiresAt());
            }
            if (!d.isClosedHold(holdId)) {
                throw unknownHold(user, holdId);
            }
            throw new IllegalArgumentException(
                    "holdId '" + holdId + "' of user '" + user + "' is no longer active: settled, released or expired");
        }
        Instant expiresAt = now.plus(ttl);
        if (!expiresAt.isAfter(hold.expiresAt())) {
            return Transition.unchanged(hold);
        }
        Hold extended = new Hold(hold.id(), hold.amount(), hold.tokens(), hold.model(), hold.createdAt(), expiresAt);
        d.replaceHold(hold, extended);
        AccountState next = d.build();
        return new Transition<>(next, d.entries, extended, List.copyOf(d.events));
    }

    /**
     * Adds credits (context {@code admin}).
     *
     * @param state the account, or null if it does not exist
     * @param change the change; its amount must be above zero
     * @param config the config
     * @param now the time
     * @param operationId the id of this operation
     * @return the receipt
     * @throws BalanceNotEnabledException if the ledger is disabled
     * @throws IllegalArgumentException if the amount is not above zero or would overflow the balance
     */
    public static Transition<Receipt> addBalance(
            @Nullable AccountState state, BalanceChange change, LedgerConfig config, Instant now, String operationId) {
        return addBalance(state, change, config, now, operationId, new Lookups());
    }

    /**
     * Adds credits (context {@code admin}); may first ask for the entries of its idempotency key
     * (see {@link Transition#lookup()}).
     *
     * @param state the account, or null if it does not exist
     * @param change the change; its amount must be above zero
     * @param config the config
     * @param now the time
     * @param operationId the id of this operation
     * @param found the entries looked up so far for this state
     * @return the receipt, or a lookup to make first
     * @throws BalanceNotEnabledException if the ledger is disabled
     * @throws IllegalArgumentException if the amount is not above zero or would overflow the balance
     */
    public static Transition<Receipt> addBalance(
            @Nullable AccountState state,
            BalanceChange change,
            LedgerConfig config,
            Instant now,
            String operationId,
            Lookups found) {
        if (!change.amount().isPositive()) {
            throw new IllegalArgumentException("amount must be above zero, was " + change.amount());
        }
        return adminChange(state, change, config, now, operationId, false, found);
    }

    /**
     * Overwrites the balance, recording the difference as an {@code adjustment} entry so that the
     * ledger still sums to the balance.
     *
     * @param state the account, or null if it does not exist
     * @param change the change; its amount is the new balance
     * @param config the config
     * @param now the time
     * @param operationId the id of this operation
     * @return the receipt
     * @throws BalanceNotEnabledException if the ledger is disabled
     * @throws IllegalArgumentException if the difference does not fit
     */
    public static Transition<Receipt> setBalance(
            @Nullable AccountState state, BalanceChange change, LedgerConfig config, Instant now, String operationId) {
        return setBalance(state, change, config, now, operationId, new Lookups());
    }

    /**
     * Overwrites the balance; may first ask for the entries of its idempotency key (see
     * {@link Transition#lookup()}).
     *
     * @param state the account, or null if it does not exist
     * @param change the change; its amount is the new balance
     * @param config the config
     * @param now the time
     * @param operationId the id of this operation
     * @param found the entries looked up so far for this state
     * @return the receipt, or a lookup to make first
     * @throws BalanceNotEnabledException if the ledger is disabled
     * @throws IllegalArgumentException if the difference does not fit
     */
    public static Transition<Receipt> setBalance(
            @Nullable AccountState state,
            BalanceChange change,
            LedgerConfig config,
            Instant now,
            String operationId,
            Lookups found) {
        return adminChange(state, change, config, now, operationId, true, found);
    }

    /**
     * The account as a host sees it at the given time: expired holds left out, a due reset or
     * top-up refill counted.
     *
     * @param state the account
     * @param config the config
     * @param now the time
     * @return the view
     */
    public static AccountView view(AccountState state, LedgerConfig config, Instant now) {
        Draft d = new Draft(state, state.user(), config, now);
        return new AccountView(
                state.user(),
                null,
                d.balance,
                d.available(),
                d.holds(),
                d.lastTransactionAt,
                d.totalTokens,
                d.refillAt(),
                d.settings.tierName(),
                d.settings.refill());
    }

    /**
     * A user's usage in each calendar window at the given time, holds included.
     *
     * @param state the account
     * @param config the config
     * @param now the time
     * @return the daily, weekly and monthly usage, in that order
     */
    public static List<WindowUsage> usage(AccountState state, LedgerConfig config, Instant now) {
        Draft d = new Draft(state, state.user(), config, now);
        List<WindowUsage> out = new ArrayList<>(3);
        for (UsageWindow w : UsageWindow.values()) {
            out.add(d.usage(w));
        }
        return out;
    }

    /**
     * Sets an account's tier, recorded as a zero-value entry with context {@code tierChange}; the
     * tier applies from the next operation.
     *
     * @param state the account, or null if it does not exist
     * @param user the user id
     * @param tier the new tier, one of the config's
     * @param actor who made the change, or null
     * @param config the config
     * @param now the time
     * @param operationId the id of this operation
     * @return the receipt
     * @throws IllegalArgumentException if the tier is not configured
     */
    public static Transition<Receipt> setTier(
            @Nullable AccountState state,
            String user,
            String tier,
            @Nullable String actor,
            LedgerConfig config,
            Instant now,
            String operationId) {
        if (!config.tiers().containsKey(tier)) {
            throw new IllegalArgumentException("tier '" + tier + "' is not configured; tiers: "
                    + (config.tiers().isEmpty()
                            ? "none"
                            : String.join(", ", config.tiers().keySet())));
        }
        Draft d = new Draft(state, user, config, now);
        String from = d.settings.tierName();
        d.tier = tier;
        d.append(
                Credits.ZERO,
                LedgerEntry.builder()
                        .id(entryId(d, operationId))
                        .credits(Credits.ZERO)
                        .context(EntryContext.TIER_CHANGE)
                        .actor(actor)
                        .note((from == null ? "none" : from) + " -> " + tier));
        return finish(d, operationId, null, "");
    }

    private static Transition<Receipt> adminChange(
            @Nullable AccountState state,
            BalanceChange change,
            LedgerConfig config,
            Instant now,
            String operationId,
            boolean overwrite,
            Lookups found) {
        if (!config.enabled()) {
            throw new BalanceNotEnabledException();
        }
        String key = change.idempotencyKey();
        String fingerprint = adminFingerprint(change, overwrite);
        Prior prior = prior(state, key, found);
        if (prior.need() != null) {
            return prior.needed();
        }
        if (prior.record != null) {
            if (!prior.record.fingerprint().equals(fingerprint)) {
                throw keyReused(key);
            }
            return replayed(change.user(), prior.record.receipt(), key);
        }
        if (!prior.entries.isEmpty()) {
            if (!fingerprint.equals(adminFingerprint(change.user(), prior.entries))) {
                throw keyReused(key);
            }
            return replayed(state, change.user(), prior.entries, config, now);
        }
        Draft d = new Draft(state, change.user(), config, now);
        Credits value;
        try {
            value = overwrite ? change.amount().minus(d.balance) : change.amount();
            d.balance.plus(value);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    "amount " + change.amount() + " would overflow the balance of user '" + change.user() + "', was "
                            + d.balance,
                    e);
        }
        d.append(
                value,
                LedgerEntry.builder()
                        .id(entryId(d, operationId))
                        .credits(value)
                        .context(overwrite ? EntryContext.ADJUSTMENT : EntryContext.ADMIN)
                        .actor(change.actor())
                        .note(change.note()));
        return finish(d, operationId, key, fingerprint);
    }

    private static int chargeLine(
            Draft d,
            String operationId,
            int n,
            TokenType type,
            PricedLine line,
            @Nullable String valueKey,
            ChargeRequest request) {
        if (line.tokens() == 0) {
            return n;
        }
        Credits value = valued(d.config) ? line.cost().negate() : Credits.ZERO;
        d.append(
                value,
                LedgerEntry.builder()
                        .id(entryId(d, operationId))
                        .usage(type, -line.tokens(), line.rate())
                        .context(request.context())
                        .model(request.model())
                        .valueKey(valueKey)
                        .conversationId(request.conversationId())
                        .promptTokens(line.inputTokens(), line.writeTokens(), line.readTokens())
                        .holdId(request.holdId()));
        return n + 1;
    }

    /** @return whether charges carry their real value: while enabled, and always when metering */
    private static boolean valued(LedgerConfig config) {
        return config.enabled() || config.metering();
    }

    /**
     * With {@link LedgerConfig#clampAtZero()}, gives back what a charge took below zero (or below
     * the balance before it, when that was negative already) as a write-off entry.
     */
    private static void writeOff(Draft d, String operationId, Credits before, ChargeRequest request) {
        if (!d.config.clampAtZero()) {
            return;
        }
        Credits floor = before.isNegative() ? before : Credits.ZERO;
        if (d.balance.compareTo(floor) >= 0) {
            return;
        }
        Credits back = floor.minus(d.balance);
        d.append(
                back,
                LedgerEntry.builder()
                        .id(entryId(d, operationId))
                        .credits(back)
                        .context(EntryContext.WRITE_OFF)
                        .model(request.model())
                        .conversationId(request.conversationId())
                        .holdId(request.holdId()));
    }

    /**
     * The id of the next entry: the operation id and the entry's sequence number. The sequence
     * number makes it unique in the account even when a forgotten idempotency key comes back.
     */
    private static String entryId(Draft d, String operationId) {
        return operationId + '#' + (d.lastSeq + 1);
    }

    /** Builds the receipt and the next state, remembering the result under the idempotency key. */
    private static Transition<Receipt> finish(Draft d, String operationId, @Nullable String key, String fingerprint) {
        List<LedgerEntry> own = d.operationEntries();
        Receipt receipt = new Receipt(d.user, operationId, own, d.balance, d.available(), false);
        if (key != null) {
            ReceiptRecord record = new ReceiptRecord(
                    operationId,
                    own.isEmpty() ? 0 : own.get(0).seq(),
                    own.size(),
                    receipt.balance(),
                    receipt.available());
            d.addOperation(new OperationRecord(key, fingerprint, d.now, record, null));
        }
        AccountState next = d.build();
        return new Transition<>(next, d.entries, receipt, List.copyOf(d.events));
    }

    private static BalanceDecision decide(Draft d, BalanceRequest request) {
        LedgerConfig config = d.config;
        EffectiveSettings settings = d.settings;
        PriceMatch match = config.prices().match(request.model(), request.endpoint());
        Credits cost = estimate(
                config, request.model(), request.endpoint(), request, settings.multiplier(), day(config, d.now));
        // a tier that says whether its users are exempt overrides the request's flag
        boolean exempt = settings.exempt() != null ? settings.exempt() : request.exempt();
        boolean checked = config.enabled() && !config.metering() && (!exempt || config.enforceForExempt());
        if (!checked) {
            return decision(
                    d, request, BalanceDecision.Status.ALLOWED, null, request.model(), match.valueKey(), cost, null);
        }
        if (!settings.allowsModel(request.model())) {
            return denied(d, request, DenialReason.MODEL_NOT_ALLOWED, match.valueKey(), cost, null);
        }
        if (config.unknownModels() == UnknownModelPolicy.REFUSE && match.kind().isFallback()) {
            return denied(d, request, DenialReason.UNKNOWN_MODEL, match.valueKey(), cost, null);
        }
        long tokens = request.promptTokens() + request.maxOutputTokens();
        for (UsageWindow window : UsageWindow.values()) {
            Credits cap = settings.limits().credits(window);
            Long tokenCap = settings.limits().tokens(window);
            if (cap == null && tokenCap == null) {
                continue;
            }
            WindowUsage usage = d.usage(window);
            boolean over = (cap != null && !fits(cap.minus(usage.spent()), cost, Credits.ZERO))
                    || (tokenCap != null && Math.addExact(usage.tokens(), tokens) > tokenCap);
            if (over) {
                return denied(
                        d,
                        request,
                        switch (window) {
                            case DAILY -> DenialReason.DAILY_LIMIT;
                            case WEEKLY -> DenialReason.WEEKLY_LIMIT;
                            case MONTHLY -> DenialReason.MONTHLY_LIMIT;
                        },
                        match.valueKey(),
                        cost,
                        usage);
            }
        }
        if (exhausts(d.available(), cost, settings.minBalance()) && d.refillDue()) {
            // LibreChat's refill: when due and the request would bring the balance to the minimum or below
            d.refill();
        }
        if (fits(d.available(), cost, settings.minBalance())) {
            return decision(
                    d, request, BalanceDecision.Status.ALLOWED, null, request.model(), match.valueKey(), cost, null);
        }
        PolicyVerdict verdict = settings.policy()
                .onShortfall(
                        new Shortfall(d.user, request.model(), d.balance, d.available(), cost, settings.minBalance()));
        return switch (verdict.kind()) {
            case ALLOW ->
                decision(
                        d,
                        request,
                        BalanceDecision.Status.ALLOWED,
                        null,
                        request.model(),
                        match.valueKey(),
                        cost,
                        null);
            case DENY -> denied(d, request, verdict.reason(), match.valueKey(), cost, null);
            case FALLBACK -> {
                // PolicyVerdict's constructor guarantees a fallback model for FALLBACK
                String fallback = Objects.requireNonNull(verdict.fallbackModel(), "fallbackModel");
                yield decision(
                        d,
                        request,
                        BalanceDecision.Status.FALLBACK,
                        null,
                        fallback,
                        config.prices().match(fallback).valueKey(),
                        cost,
                        null);
            }
        };
    }

    /** The calendar day of {@code now} in the config's zone: the day whose dated prices apply. */
    private static LocalDate day(LedgerConfig config, Instant now) {
        return now.atZone(config.zone()).toLocalDate();
    }

    /**
     * A fingerprint's fields, with the endpoint last when the request names one: the same request on
     * another endpoint may be priced differently, so it is another request. Without one the fields
     * are as before endpoints existed, so that remembered fingerprints still match.
     */
    private static @Nullable Object[] withEndpoint(@Nullable String endpoint, @Nullable Object... fields) {
        if (endpoint == null) {
            return fields;
        }
        Object[] all = Arrays.copyOf(fields, fields.length + 1);
        all[fields.length] = endpoint;
        return all;
    }

    /**
     * Prices a charge's usage.
     *
     * @throws IllegalArgumentException naming the token counts whose cost does not fit a credit amount
     */
    private static PricedUsage price(LedgerConfig config, ChargeRequest request, Multiplier multiplier, LocalDate day) {
        Usage u = request.usage();
        try {
            PricedUsage priced = config.prices()
                    .price(request.model(), request.endpoint(), day, u, request.incomplete(), multiplier);
            priced.total(); // the two lines must add up too
            return priced;
        } catch (ArithmeticException e) {
            // which count overflows on its own, priced by the same table; if none does, their sum overflows
            String[] names = {"inputTokens", "outputTokens", "cacheWriteTokens", "cacheReadTokens"};
            long[] counts = {u.inputTokens(), u.outputTokens(), u.cacheWriteTokens(), u.cacheReadTokens()};
            Usage[] alone = {
                new Usage(counts[0], 0, 0, 0),
                new Usage(0, counts[1], 0, 0),
                new Usage(0, 0, counts[2], 0),
                new Usage(0, 0, 0, counts[3])
            };
            boolean[] overflows = new boolean[names.length];
            for (int i = 0; i < names.length; i++) {
                Usage one = alone[i];
                overflows[i] = counts[i] != 0
                        && overflows(() -> config.prices()
                                .price(request.model(), request.endpoint(), day, one, request.incomplete(), multiplier)
                                .total());
            }
            throw costOverflow("charge", request.model(), multiplier, names, counts, overflows, e);
        }
    }

    /**
     * Estimates a request's cost on a model (the requested one on the request's endpoint, or a fallback).
     *
     * @throws IllegalArgumentException naming the token counts whose cost does not fit a credit amount
     */
    private static Credits estimate(
            LedgerConfig config,
            String model,
            @Nullable String endpoint,
            BalanceRequest request,
            Multiplier multiplier,
            LocalDate day) {
        long prompt = request.promptTokens();
        long output = request.maxOutputTokens();
        try {
            return config.prices().estimate(model, endpoint, day, prompt, output, multiplier);
        } catch (ArithmeticException e) {
            boolean[] overflows = {
                prompt != 0 && overflows(() -> config.prices().estimate(model, endpoint, day, prompt, 0, multiplier)),
                output != 0 && overflows(() -> config.prices().estimate(model, endpoint, day, 0, output, multiplier))
            };
            throw costOverflow(
                    "estimate",
                    model,
                    multiplier,
                    new String[] {"promptTokens", "maxOutputTokens"},
                    new long[] {prompt, output},
                    overflows,
                    e);
        }
    }

    private static boolean overflows(Runnable pricing) {
        try {
            pricing.run();
            return false;
        } catch (ArithmeticException e) {
            return true;
        }
    }

    /**
     * The error for a cost that does not fit a credit amount: it names the token counts that
     * overflow on their own, or else every count that is not zero.
     */
    private static IllegalArgumentException costOverflow(
            String what,
            String model,
            Multiplier multiplier,
            String[] names,
            long[] counts,
            boolean[] overflows,
            ArithmeticException cause) {
        boolean any = false;
        for (boolean o : overflows) {
            any |= o;
        }
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            if (any ? overflows[i] : counts[i] != 0) {
                fields.append(fields.length() == 0 ? "" : " and ")
                        .append(names[i])
                        .append(' ')
                        .append(counts[i]);
            }
        }
        // no count at all: the rate itself, times the multiplier, is past what a rate can hold
        return new IllegalArgumentException(
                what + (fields.length() == 0 ? "" : " of " + fields) + " on model '"
                        + model + "'" + (multiplier.isOne() ? "" : " at priceMultiplier " + multiplier)
                        + " does not fit a credit amount (at most " + Credits.ofMicros(Long.MAX_VALUE) + " credits)",
                cause);
    }

    private static BalanceDecision denied(
            Draft d,
            BalanceRequest request,
            @Nullable DenialReason reason,
            @Nullable String valueKey,
            Credits cost,
            @Nullable WindowUsage window) {
        BalanceDecision decision =
                decision(d, request, BalanceDecision.Status.DENIED, reason, request.model(), valueKey, cost, window);
        d.events.add(new BalanceEvent.Denied(d.user, d.now, decision));
        return decision;
    }

    private static BalanceDecision decision(
            Draft d,
            BalanceRequest request,
            BalanceDecision.Status status,
            @Nullable DenialReason reason,
            String model,
            @Nullable String valueKey,
            Credits cost,
            @Nullable WindowUsage window) {
        return new BalanceDecision(
                status,
                reason,
                model,
                valueKey,
                d.balance,
                d.available(),
                cost,
                request.promptTokens(),
                d.refillAt(),
                window);
    }

    private static boolean fits(Credits available, Credits cost, Credits minBalance) {
        try {
            return Math.subtractExact(available.micros(), cost.micros()) >= minBalance.micros();
        } catch (ArithmeticException e) {
            return false;
        }
    }

    /** Whether spending {@code cost} leaves {@code minBalance} or less available: LibreChat's {@code balance - tokenCost <= 0}. */
    private static boolean exhausts(Credits available, Credits cost, Credits minBalance) {
        try {
            return Math.subtractExact(available.micros(), cost.micros()) <= minBalance.micros();
        } catch (ArithmeticException e) {
            return true;
        }
    }

    /**
     * What an account knows of an idempotency key before an operation: its record among the last
     * operations, or the entries the history holds for it, or that a lookup must be made first.
     */
    private record Prior(
            @Nullable OperationRecord record,
            List<LedgerEntry> entries,
            @Nullable Transition<?> need) {
        static final Prior NEW = new Prior(null, List.of(), null);

        @SuppressWarnings("unchecked") // a lookup outcome carries no result, so it fits every result type
        <R> Transition<R> needed() {
            return (Transition<R>) Objects.requireNonNull(need, "need"); // callers check need() first
        }
    }

    /**
     * Finds what the account knows of a key: a remembered operation answers at once; a key the
     * summary of recent keys has certainly not seen is new without reading anything; any other key
     * is looked up in the history by operation id.
     */
    private static Prior prior(@Nullable AccountState state, @Nullable String key, Lookups found) {
        if (key == null || state == null) {
            return Prior.NEW;
        }
        List<OperationRecord> ops = state.operations();
        for (int i = ops.size() - 1; i >= 0; i--) {
            OperationRecord r = ops.get(i);
            if (r.key().equals(key)) {
                return new Prior(r, List.of(), null);
            }
        }
        if (!RecentKeys.mayContain(state.recentKeys(), key)) {
            return Prior.NEW;
        }
        List<LedgerEntry> entries = found.get(Lookups.Kind.OPERATION, key);
        if (entries == null) {
            return new Prior(null, List.of(), Transition.needs(Lookups.Kind.OPERATION, key));
        }
        return new Prior(null, entries, null);
    }

    /** The canonical text of a charge: equal for two charges exactly when they are the same request. */
    private static String fingerprint(ChargeRequest request) {
        var u = request.usage();
        return Fingerprint.of(
                "charge",
                withEndpoint(
                        request.endpoint(),
                        request.model(),
                        u.inputTokens(),
                        u.outputTokens(),
                        u.cacheWriteTokens(),
                        u.cacheReadTokens(),
                        request.context(),
                        request.conversationId(),
                        request.holdId()));
    }

    /** The canonical text of an admin change. */
    private static String adminFingerprint(BalanceChange change, boolean overwrite) {
        return Fingerprint.of(overwrite ? "set" : "add", change.amount().micros(), change.actor(), change.note());
    }

    /**
     * The fingerprint of the charge that appended these entries, rebuilt from them; null when they
     * are not a charge's. Entries do not record the endpoint: the request's stands in for it.
     */
    private static @Nullable String chargeFingerprint(ChargeRequest request, List<LedgerEntry> entries) {
        String user = request.user();
        LedgerEntry first = entries.get(0);
        long input = 0;
        long write = 0;
        long read = 0;
        long output = 0;
        for (LedgerEntry e : entries) {
            switch (e.tokenType()) {
                case PROMPT -> {
                    input = e.inputTokens();
                    write = e.writeTokens();
                    read = e.readTokens();
                }
                case COMPLETION -> output = -e.rawAmount();
                default -> {
                    return null;
                }
            }
        }
        if (first.model() == null) {
            return null;
        }
        return fingerprint(new ChargeRequest(
                user,
                first.model(),
                new Usage(input, output, write, read),
                first.context(),
                first.conversationId(),
                first.holdId(),
                null,
                request.endpoint()));
    }

    /**
     * The fingerprint of the admin change that appended these entries, rebuilt from them; null when
     * they are not an admin change's.
     */
    private static @Nullable String adminFingerprint(String user, List<LedgerEntry> entries) {
        LedgerEntry e = entries.get(0);
        boolean overwrite = EntryContext.ADJUSTMENT.equals(e.context());
        if (entries.size() != 1
                || e.tokenType() != TokenType.CREDITS
                || !(overwrite || EntryContext.ADMIN.equals(e.context()))) {
            return null;
        }
        Credits amount = overwrite ? e.balance() : e.tokenValue();
        return adminFingerprint(new BalanceChange(user, amount, e.actor(), e.note(), null), overwrite);
    }

    /**
     * A repeat recognised by its entries in the history: the first receipt rebuilt from them. The
     * balance is the one after the last of them; the available balance is the account's now, since
     * the history does not record holds.
     */
    private static Transition<Receipt> replayed(
            @Nullable AccountState state, String user, List<LedgerEntry> entries, LedgerConfig config, Instant now) {
        String id = entries.get(0).id();
        String operationId = id.substring(0, id.lastIndexOf('#'));
        Credits available = state == null ? Credits.ZERO : new Draft(state, user, config, now).available();
        return Transition.unchanged(new Receipt(
                user, operationId, entries, entries.get(entries.size() - 1).balance(), available, true));
    }

    /**
     * A repeat's outcome: the first receipt, without its entries, which the ledger reads back from
     * the history by their sequence numbers.
     */
    private static Transition<Receipt> replayed(String user, @Nullable ReceiptRecord first, @Nullable String key) {
        if (first == null) {
            throw keyReused(key);
        }
        return Transition.replay(
                new Receipt(user, first.operationId(), List.of(), first.balance(), first.available(), true), first);
    }

    private static IllegalArgumentException keyReused(@Nullable String key) {
        return new IllegalArgumentException("idempotencyKey '" + key + "' was already used for a different request");
    }

    private static IllegalArgumentException unknownHold(String user, String holdId) {
        return new IllegalArgumentException("holdId '" + holdId + "' is not a hold of user '" + user + "'");
    }
}
