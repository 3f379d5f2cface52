package dev.balancekit;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * A blocking view of a {@link BalanceLedger} for hosts that are not reactive. Each method
 * subscribes to the reactive operation and waits for it; failures are thrown as they are
 * signalled. Do not call it from a reactive pipeline's thread.
 */
public final class BlockingBalanceLedger {
    private final BalanceLedger ledger;

    BlockingBalanceLedger(BalanceLedger ledger) {
        this.ledger = ledger;
    }

    /**
     * Blocking {@link BalanceLedger#checkBalance(String, String, long, long)}.
     *
     * @param user the user id
     * @param model the model
     * @param promptTokens the prompt's token count
     * @param maxOutputTokens the output token budget
     * @return the decision
     * @throws IllegalArgumentException on bad arguments
     */
    public BalanceDecision checkBalance(String user, String model, long promptTokens, long maxOutputTokens) {
        return await(ledger.checkBalance(user, model, promptTokens, maxOutputTokens));
    }

    /**
     * Blocking {@link BalanceLedger#checkBalance(BalanceRequest)}.
     *
     * @param request the request
     * @return the decision
     */
    public BalanceDecision checkBalance(BalanceRequest request) {
        return await(ledger.checkBalance(request));
    }

    /**
     * Blocking {@link BalanceLedger#reserve(BalanceRequest)}.
     *
     * @param request the request
     * @return the reservation
     * @throws IllegalArgumentException if the idempotency key was used for another request
     */
    public Reservation reserve(BalanceRequest request) {
        return await(ledger.reserve(request));
    }

    /**
     * Blocking {@link BalanceLedger#deduct(ChargeRequest)}.
     *
     * @param request the charge
     * @return the receipt
     * @throws IllegalArgumentException if the hold is unknown or already settled
     */
    public Receipt deduct(ChargeRequest request) {
        return await(ledger.deduct(request));
    }

    /**
     * Blocking {@link BalanceLedger#release(String, String)}.
     *
     * @param user the user id
     * @param holdId the hold
     * @return the receipt
     * @throws IllegalArgumentException if the hold is not the user's
     */
    public Receipt release(String user, String holdId) {
        return await(ledger.release(user, holdId));
    }

    /**
     * Blocking {@link BalanceLedger#extendHold(String, String)}.
     *
     * @param user the user id
     * @param holdId the hold
     * @return the extended hold
     * @throws IllegalArgumentException if the hold is not the user's or no longer active
     */
    public Hold extendHold(String user, String holdId) {
        return await(ledger.extendHold(user, holdId));
    }

    /**
     * Blocking {@link BalanceLedger#addBalance(BalanceChange)}.
     *
     * @param change the change
     * @return the receipt
     * @throws BalanceNotEnabledException when the ledger is disabled
     */
    public Receipt addBalance(BalanceChange change) {
        return await(ledger.addBalance(change));
    }

    /**
     * Blocking {@link BalanceLedger#setBalance(BalanceChange)}.
     *
     * @param change the change
     * @return the receipt
     * @throws BalanceNotEnabledException when the ledger is disabled
     */
    public Receipt setBalance(BalanceChange change) {
        return await(ledger.setBalance(change));
    }

    /**
     * Blocking {@link BalanceLedger#balance(String)}.
     *
     * @param user the user id
     * @return the account, or empty when the user has none
     */
    public Optional<AccountView> balance(String user) {
        return ledger.balance(user).blockOptional();
    }

    /**
     * Blocking {@link BalanceLedger#usage(String)}.
     *
     * @param user the user id
     * @return the daily, weekly and monthly usage; empty when the user has no account
     */
    public List<WindowUsage> usage(String user) {
        return ledger.usage(user).blockOptional().orElse(List.of());
    }

    /**
     * Blocking {@link BalanceLedger#setTier(String, String, String)}.
     *
     * @param user the user id
     * @param tier the tier
     * @param actor who makes the change, or null
     * @return the receipt
     * @throws IllegalArgumentException if the tier is not configured
     */
    public Receipt setTier(String user, String tier, @Nullable String actor) {
        return await(ledger.setTier(user, tier, actor));
    }

    /**
     * Blocking {@link BalanceLedger#transactionHistory(String, HistoryQuery)}.
     *
     * @param user the user id
     * @param query the query
     * @return the page
     */
    public Page<LedgerEntry> transactionHistory(String user, HistoryQuery query) {
        return await(ledger.transactionHistory(user, query));
    }

    /**
     * Blocking {@link BalanceLedger#listBalances(ListQuery)}.
     *
     * @param query the query
     * @return the page
     */
    public Page<AccountView> listBalances(ListQuery query) {
        return await(ledger.listBalances(query));
    }

    /**
     * Blocking {@link BalanceLedger#usageReport(UsageQuery)}.
     *
     * @param query the query
     * @return the report
     */
    public UsageReport usageReport(UsageQuery query) {
        return await(ledger.usageReport(query));
    }

    /** Waits for an operation that always emits one value: completing empty would be a defect. */
    private static <T> T await(Mono<T> operation) {
        return operation
                .blockOptional()
                .orElseThrow(() -> new IllegalStateException("the ledger completed without a value"));
    }
}
