package dev.balancekit.internal;

import dev.balancekit.Credits;
import dev.balancekit.EntryContext;
import dev.balancekit.Hold;
import dev.balancekit.LedgerConfig;
import dev.balancekit.LedgerEntry;
import dev.balancekit.TokenType;
import dev.balancekit.pricing.Rate;
import dev.balancekit.spi.AccountState;
import dev.balancekit.spi.ClosedHold;
import dev.balancekit.spi.OperationRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A mutable working copy of an account state during one decision. Confined to one thread and one
 * call of the engine; {@link #build()} turns it back into an immutable state.
 */
final class Draft {
    /** The rate of a credits entry: one credit per credit. */
    static final Rate CREDIT_RATE = Rate.ofNanos(1_000_000_000L);

    final String user;
    final LedgerConfig config;
    final Instant now;
    final boolean existed;
    private final boolean wasFunded;

    Credits balance;
    boolean funded;
    final List<Hold> holds;
    final List<ClosedHold> closedHolds;
    final List<OperationRecord> operations;
    long lastSeq;
    @Nullable Instant lastTransactionAt;
    long totalTokens;
    final Instant createdAt;

    /** Entries appended by this decision, the start balance grant included. */
    final List<LedgerEntry> entries = new ArrayList<>(3);
    /** How many of {@link #entries} belong to the start balance grant rather than the operation. */
    private int grantEntries;

    Draft(@Nullable AccountState s, String user, LedgerConfig config, Instant now) {
        this.user = user;
        this.config = config;
        this.now = now;
        this.existed = s != null;
        AccountState state = s != null ? s : AccountState.empty(user, now);
        this.wasFunded = state.funded();
        this.balance = state.balance();
        this.funded = state.funded();
        this.holds = new ArrayList<>(state.holds());
        this.closedHolds = new ArrayList<>(state.closedHolds());
        this.operations = new ArrayList<>(state.operations());
        this.lastSeq = state.lastSeq();
        this.lastTransactionAt = state.lastTransactionAt();
        this.totalTokens = state.totalTokens();
        this.createdAt = state.createdAt();
        expireHolds();
        fund();
    }

    /** @return whether this decision created the account or granted its start balance */
    boolean createdOrFunded() {
        return !existed || funded != wasFunded;
    }

    private void expireHolds() {
        for (int i = holds.size() - 1; i >= 0; i--) {
            Hold h = holds.get(i);
            if (!h.isActiveAt(now)) {
                holds.remove(i);
                close(h.id(), ClosedHold.Closure.EXPIRED);
            }
        }
    }

    private void fund() {
        if (config.enabled() && !funded) {
            funded = true;
            Credits start = config.startBalance();
            if (!start.isZero()) {
                append("startBalance", TokenType.CREDITS, start.micros(), CREDIT_RATE, start,
                        EntryContext.START_BALANCE, null, null, null, 0, 0, 0, null, null, null);
                grantEntries = entries.size();
            }
        }
    }

    Credits held() {
        long sum = 0;
        for (Hold h : holds) {
            sum = Math.addExact(sum, h.amount().micros());
        }
        return Credits.ofMicros(sum);
    }

    Credits available() {
        return balance.minus(held());
    }

    @Nullable Hold findHold(String id) {
        for (Hold h : holds) {
            if (h.id().equals(id)) {
                return h;
            }
        }
        return null;
    }

    @Nullable ClosedHold findClosed(String id) {
        for (int i = closedHolds.size() - 1; i >= 0; i--) {
            ClosedHold c = closedHolds.get(i);
            if (c.id().equals(id)) {
                return c;
            }
        }
        return null;
    }

    void close(String holdId, ClosedHold.Closure closure) {
        closedHolds.add(new ClosedHold(holdId, closure, now));
    }

    @Nullable OperationRecord findOperation(String key) {
        for (int i = operations.size() - 1; i >= 0; i--) {
            OperationRecord r = operations.get(i);
            if (r.key().equals(key)) {
                return r;
            }
        }
        return null;
    }

    /** Appends an entry, moving the balance by its value; the balance after is recorded in it. */
    LedgerEntry append(String id, TokenType type, long rawAmount, Rate rate, Credits value, String context,
            @Nullable String model, @Nullable String valueKey, @Nullable String conversationId,
            long input, long write, long read, @Nullable String holdId, @Nullable String actor, @Nullable String note) {
        balance = balance.plus(value);
        lastSeq++;
        lastTransactionAt = now;
        LedgerEntry e = new LedgerEntry(id, lastSeq, user, type, rawAmount, rate, value, context, model, valueKey,
                conversationId, balance, now, input, write, read, holdId, actor, note);
        entries.add(e);
        return e;
    }

    /** @return the entries the operation itself appended, without the start balance grant */
    List<LedgerEntry> operationEntries() {
        return List.copyOf(entries.subList(grantEntries, entries.size()));
    }

    AccountState build() {
        int keep = config.operationsKept();
        if (operations.size() > keep) {
            operations.subList(0, operations.size() - keep).clear();
        }
        if (closedHolds.size() > keep) {
            closedHolds.subList(0, closedHolds.size() - keep).clear();
        }
        return new AccountState(user, balance, funded, holds, closedHolds, operations, lastSeq, lastTransactionAt,
                totalTokens, createdAt);
    }
}
