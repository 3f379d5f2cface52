package dev.balancekit.internal;

import dev.balancekit.BalanceEvent;
import dev.balancekit.Credits;
import dev.balancekit.EntryContext;
import dev.balancekit.Hold;
import dev.balancekit.LedgerConfig;
import dev.balancekit.LedgerEntry;
import dev.balancekit.Refill;
import dev.balancekit.RefillMode;
import dev.balancekit.RefillOverride;
import dev.balancekit.UsageWindow;
import dev.balancekit.WindowUsage;
import dev.balancekit.spi.AccountState;
import dev.balancekit.spi.KeyBucket;
import dev.balancekit.spi.OperationRecord;
import dev.balancekit.spi.WindowState;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A mutable working copy of an account state during one decision. Confined to one thread and one
 * call of the engine; {@link #build()} turns it back into an immutable state.
 *
 * <p>Creating a draft brings the account up to date at {@code now}: expired holds are dropped, the
 * start balance is granted, usage windows roll over, and a due reset or top-up refill is applied.
 */
final class Draft {
    private static final UsageWindow[] WINDOWS = UsageWindow.values();

    final String user;
    final LedgerConfig config;
    final Instant now;
    final boolean existed;
    private final boolean wasFunded;
    /** The balance the operation found, after the start balance grant: where a downward crossing is measured from. */
    private final Credits balanceBefore;

    private boolean refilled;

    Credits balance;
    boolean funded;
    /** The holds; the state's own immutable list until the first change, then a private copy. */
    private List<Hold> holds;

    private boolean holdsCopied;
    /** Holds this decision found expired and dropped, so that an extend can say why a hold is gone. */
    private List<Hold> expired = List.of();

    long lastHoldSeq;
    /** The operations as the state had them; {@link #operationsAdded} follow them. */
    private final List<OperationRecord> operations;

    private List<OperationRecord> operationsAdded = List.of();
    /** The summary of recent keys; the state's own list until a key is added. */
    private List<KeyBucket> recentKeys;

    long lastSeq;

    @Nullable
    Instant lastTransactionAt;

    long totalTokens;
    final Instant createdAt;

    @Nullable
    String tier;

    @Nullable
    Instant refillAnchor;

    long refillPeriod;

    @Nullable
    Instant lastRefill;

    final @Nullable RefillOverride refillOverride;
    /** The current window states, indexed by {@link UsageWindow#ordinal()}; null before usage in the window. */
    private final WindowState[] windows = new WindowState[WINDOWS.length];

    private final Day today;
    /**
     * Per window, the first day of a stored window newer than today's (this host's clock is behind
     * the host that wrote it), or null; null while there is none.
     */
    private @Nullable LocalDate @Nullable [] ahead;

    EffectiveSettings settings;

    /** Entries appended by this decision, the start balance grant and refills included. */
    final List<LedgerEntry> entries = new ArrayList<>(3);
    /** Events to report once the decision is stored. */
    final List<BalanceEvent> events = new ArrayList<>(0);
    /** How many of {@link #entries} came before the operation's own entries. */
    private int leadingEntries;

    Draft(@Nullable AccountState s, String user, LedgerConfig config, Instant now) {
        this.user = user;
        this.config = config;
        this.now = now;
        this.existed = s != null;
        AccountState state = s != null ? s : AccountState.empty(user, now);
        this.wasFunded = state.funded();
        this.balance = state.balance();
        this.funded = state.funded();
        this.holds = state.holds();
        this.lastHoldSeq = state.lastHoldSeq();
        this.operations = state.operations();
        this.recentKeys = state.recentKeys();
        this.lastSeq = state.lastSeq();
        this.lastTransactionAt = state.lastTransactionAt();
        this.totalTokens = state.totalTokens();
        this.createdAt = state.createdAt();
        this.tier = state.tier();
        this.refillAnchor = state.refillAnchor();
        this.refillPeriod = state.refillPeriod();
        this.lastRefill = state.lastRefill();
        this.refillOverride = state.refillOverride();
        this.settings = EffectiveSettings.of(config, tier, refillOverride);
        this.today = Day.of(now, config.zone());
        for (WindowState w : state.windows()) {
            if (w.key().equals(today.key(w.window()))) {
                windows[w.window().ordinal()] = w;
            } else {
                LocalDate start = Day.startOf(w.window(), w.key());
                if (start != null && start.isAfter(today.date)) {
                    // another host's clock is ahead of ours: its window is the newest, so ours counts in it
                    if (ahead == null) {
                        ahead = new LocalDate[WINDOWS.length];
                    }
                    ahead[w.window().ordinal()] = start;
                    windows[w.window().ordinal()] = w;
                }
                // an older window has ended: it starts again from zero
            }
        }
        expireHolds();
        fund();
        // A new account opens at its start balance; charging it below a threshold is a crossing.
        this.balanceBefore = balance;
        Refill refill = settings.refill();
        if (refill != null && refill.mode() != RefillMode.ADD && refillDue()) {
            refill();
        }
        leadingEntries = entries.size();
    }

    /** @return whether the account must be written even if the operation itself changes nothing */
    boolean mustPersist() {
        return !existed || funded != wasFunded || refilled;
    }

    private void expireHolds() {
        for (int i = holds.size() - 1; i >= 0; i--) {
            Hold h = holds.get(i);
            if (!h.isActiveAt(now)) {
                writableHolds().remove(i);
                if (expired.isEmpty()) {
                    expired = new ArrayList<>(1);
                }
                expired.add(h);
                events.add(new BalanceEvent.HoldExpired(user, now, h));
            }
        }
    }

    /** @return the holds, read-only */
    List<Hold> holds() {
        return holds;
    }

    private List<Hold> writableHolds() {
        if (!holdsCopied) {
            holds = new ArrayList<>(holds);
            holdsCopied = true;
        }
        return holds;
    }

    void addHold(Hold hold) {
        writableHolds().add(hold);
    }

    /** @return the id of the account's next hold, which this decision then holds the number of */
    String nextHoldId() {
        lastHoldSeq = Math.addExact(lastHoldSeq, 1);
        return HoldIds.of(user, lastHoldSeq);
    }

    /**
     * Tells whether a hold id names a hold of this account that is closed: settled, released or
     * expired (so not among the active holds). Ids of another account or made up are not.
     *
     * @param id the hold id
     * @return whether it is a closed hold of this account
     */
    boolean isClosedHold(String id) {
        long seq = HoldIds.seqOf(user, id);
        return seq >= 1 && seq <= lastHoldSeq && findHold(id) == null;
    }

    /**
     * The hold of that id if this decision found it expired.
     *
     * @param id the hold id
     * @return the hold, or null
     */
    @Nullable
    Hold expiredNow(String id) {
        for (Hold h : expired) {
            if (h.id().equals(id)) {
                return h;
            }
        }
        return null;
    }

    void removeHold(Hold hold) {
        writableHolds().remove(hold);
    }

    void replaceHold(Hold old, Hold hold) {
        List<Hold> list = writableHolds();
        list.set(list.indexOf(old), hold);
    }

    /**
     * Remembers an operation's result under its idempotency key, and the key in the summary of
     * recent keys.
     *
     * @param record the record
     */
    void addOperation(OperationRecord record) {
        if (operationsAdded.isEmpty()) {
            operationsAdded = new ArrayList<>(1);
        }
        operationsAdded.add(record);
        recentKeys = RecentKeys.add(recentKeys, record.key(), now, config.idempotencyRetention());
    }

    private void fund() {
        if (config.enabled() && !funded) {
            funded = true;
            Refill refill = settings.refill();
            boolean setsThePeriod = refill != null && refill.mode() != RefillMode.ADD;
            if (config.firstRefillAfterInterval() && refillAnchor == null && !setsThePeriod) {
                // LibreChat's lastRefill starts at the account's creation: the first refill is one interval away.
                // A reset or top-up refill sets the balance of the current period, so it still applies at once.
                refillAnchor = now;
                refillPeriod = 0;
            }
            Credits start = settings.startBalance();
            if (!start.isZero()) {
                append(
                        start,
                        LedgerEntry.builder().id("startBalance").credits(start).context(EntryContext.START_BALANCE));
            }
        }
    }

    /** @return whether an automatic refill is due now */
    boolean refillDue() {
        Refill refill = settings.refill();
        if (refill == null || !config.enabled() || !refill.amount().isPositive()) {
            return false;
        }
        return refillAnchor == null || refill.periodAt(refillAnchor, now, config.zone()) > refillPeriod;
    }

    /** Applies a due refill: one per due period, however many periods were missed. */
    void refill() {
        Refill refill = settings.refill();
        if (refill == null) {
            return;
        }
        if (refillAnchor == null) {
            refillAnchor = now;
            refillPeriod = 0;
        } else {
            refillPeriod = refill.periodAt(refillAnchor, now, config.zone());
        }
        lastRefill = now;
        refilled = true;
        Credits amount = refill.amount();
        Credits delta = switch (refill.mode()) {
            case ADD -> amount;
            case RESET -> amount.minus(balance);
            case TOP_UP -> amount.compareTo(balance) > 0 ? amount.minus(balance) : Credits.ZERO;
        };
        if (!delta.isZero()) {
            LedgerEntry e = append(
                    delta,
                    LedgerEntry.builder()
                            .id("autoRefill:" + refillAnchor.toEpochMilli() + ":" + refillPeriod)
                            .credits(delta)
                            .context(EntryContext.AUTO_REFILL)
                            .note(refill.mode().configName()));
            events.add(new BalanceEvent.Refilled(user, now, e));
        }
    }

    /** @return the next time a refill can happen, or null when auto-refill is off */
    @Nullable
    Instant refillAt() {
        Refill refill = settings.refill();
        if (refill == null || !config.enabled() || !refill.amount().isPositive()) {
            return null;
        }
        return refillAnchor == null ? now : refill.periodStart(refillAnchor, refillPeriod + 1, config.zone());
    }

    Credits held() {
        long sum = 0;
        for (Hold h : holds) {
            sum = Math.addExact(sum, h.amount().micros());
        }
        return Credits.ofMicros(sum);
    }

    long heldTokens() {
        long sum = 0;
        for (Hold h : holds) {
            sum = Math.addExact(sum, h.tokens());
        }
        return sum;
    }

    Credits available() {
        return balance.minus(held());
    }

    /**
     * The usage of a window, holds included.
     *
     * @param window the window
     * @return the usage and its caps
     */
    WindowUsage usage(UsageWindow window) {
        WindowState w = windows[window.ordinal()];
        long spent = w == null ? 0 : w.spentMicros();
        long tokens = w == null ? 0 : w.tokens();
        return new WindowUsage(
                window,
                key(window),
                Credits.ofMicros(Math.addExact(spent, held().micros())),
                Math.addExact(tokens, heldTokens()),
                settings.limits().credits(window),
                settings.limits().tokens(window),
                resetsAt(window));
    }

    /** The key of the current window: the one that contains today, or a newer one already stored. */
    private String key(UsageWindow window) {
        LocalDate start = ahead == null ? null : ahead[window.ordinal()];
        return start == null ? today.key(window) : window.keyOf(start);
    }

    /** When the current window ends. */
    private Instant resetsAt(UsageWindow window) {
        LocalDate start = ahead == null ? null : ahead[window.ordinal()];
        return start == null ? today.resetsAt(window) : window.resetsAt(start, config.zone());
    }

    /** Records charged usage in every window, and reports the configured percentages it passes. */
    void recordUsage(Credits charged, long tokens) {
        for (UsageWindow window : WINDOWS) {
            WindowState w = windows[window.ordinal()];
            long spent = Math.addExact(w == null ? 0 : w.spentMicros(), charged.micros());
            long used = Math.addExact(w == null ? 0 : w.tokens(), tokens);
            int notified = w == null ? 0 : w.notifiedPercent();
            Credits cap = settings.limits().credits(window);
            Long tokenCap = settings.limits().tokens(window);
            if (cap != null || tokenCap != null) {
                WindowUsage after = new WindowUsage(
                        window, key(window), Credits.ofMicros(spent), used, cap, tokenCap, resetsAt(window));
                int percent = after.percentUsed();
                for (int threshold : config.windowThresholds()) {
                    if (threshold > notified && threshold <= percent) {
                        events.add(new BalanceEvent.WindowThreshold(user, now, threshold, after));
                        notified = threshold;
                    }
                }
            }
            windows[window.ordinal()] = new WindowState(window, key(window), spent, used, notified);
        }
    }

    @Nullable
    Hold findHold(String id) {
        for (Hold h : holds) {
            if (h.id().equals(id)) {
                return h;
            }
        }
        return null;
    }

    /** The windows that have seen usage, in window order. */
    private List<WindowState> windowsInUse() {
        WindowState[] out = new WindowState[windows.length];
        int used = 0;
        for (WindowState w : windows) {
            if (w != null) {
                out[used++] = w;
            }
        }
        return List.of(used == out.length ? out : Arrays.copyOf(out, used));
    }

    /**
     * Appends an entry, moving the balance by its value: the draft fills in the value, the sequence
     * number, the user, the time and the balance after.
     */
    LedgerEntry append(Credits value, LedgerEntry.Builder entry) {
        balance = balance.plus(value);
        lastSeq++;
        lastTransactionAt = now;
        LedgerEntry e = entry.tokenValue(value)
                .seq(lastSeq)
                .user(user)
                .balance(balance)
                .createdAt(now)
                .build();
        entries.add(e);
        return e;
    }

    /** @return the entries the operation itself appended, without start balance grants and refills */
    List<LedgerEntry> operationEntries() {
        List<LedgerEntry> own = new ArrayList<>(entries.size() - leadingEntries);
        for (LedgerEntry e : entries.subList(leadingEntries, entries.size())) {
            if (!EntryContext.AUTO_REFILL.equals(e.context())) {
                own.add(e);
            }
        }
        return List.copyOf(own);
    }

    AccountState build() {
        for (Credits threshold : config.balanceThresholds()) {
            if (balanceBefore.compareTo(threshold) >= 0 && balance.compareTo(threshold) < 0) {
                events.add(new BalanceEvent.BalanceBelow(user, now, threshold, balance));
            }
        }
        int keep = config.operationsKept();
        // an unchanged list is shared with the previous state; a changed one is built in one copy
        List<OperationRecord> ops = operationsAdded.isEmpty() && operations.size() <= keep
                ? operations
                : newestOf(operations, operationsAdded, keep);
        List<Hold> active = holdsCopied ? List.copyOf(holds) : holds;
        List<WindowState> current = windowsInUse();
        return new AccountState(
                user,
                balance,
                funded,
                active,
                lastHoldSeq,
                ops,
                recentKeys,
                lastSeq,
                lastTransactionAt,
                totalTokens,
                createdAt,
                tier,
                refillAnchor,
                refillPeriod,
                lastRefill,
                current,
                refillOverride);
    }

    /**
     * The elements of {@code base}, then those of {@code added}, keeping only the last {@code keep},
     * as an immutable list ({@link List#copyOf} of it is the list itself).
     */
    private static <E> List<E> newestOf(List<E> base, List<E> added, int keep) {
        int size = base.size() + added.size();
        int skip = Math.max(0, size - keep);
        List<E> out = new ArrayList<>(size - skip);
        int seen = 0;
        for (E e : base) {
            if (seen++ >= skip) {
                out.add(e);
            }
        }
        for (E e : added) {
            if (seen++ >= skip) {
                out.add(e);
            }
        }
        return List.copyOf(out);
    }
}
