package dev.balancekit;

import dev.balancekit.pricing.Rate;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One immutable ledger entry (a transaction record), with the fields LibreChat's transactions
 * have. Corrections are new entries; nothing is ever edited.
 *
 * <p>For every account, the balance equals the sum of its entries' {@link #tokenValue()}.
 *
 * @param id the entry's id, unique within the account: the operation id (the idempotency key when
 *     one was given) followed by {@code #} and the entry's sequence number; ledger-made entries
 *     have their own ids ({@code startBalance}, {@code autoRefill:<anchor>:<period>})
 * @param seq position of the entry in the account's ledger, from 1, strictly increasing
 * @param user the user id
 * @param tokenType what the entry counts
 * @param rawAmount for prompt and completion entries the token count, negative when spent; for
 *     credits entries the amount in micro-credits (equal to {@code tokenValue().micros()})
 * @param rate the rate applied: credits per token for token entries (the effective rate, so an
 *     incomplete completion shows 1.15 times the model's rate), 1 for credits entries
 * @param tokenValue the signed change of the balance: negative for a charge
 * @param context why the entry exists ({@link EntryContext})
 * @param model the model as the host named it, for usage entries
 * @param valueKey the pricing table key the model matched, null when the default rate applied
 * @param conversationId the host's conversation id, if given
 * @param balance the account balance right after this entry
 * @param createdAt when the entry was written
 * @param inputTokens for prompt entries, the prompt tokens not read from or written to a cache
 * @param writeTokens for prompt entries, the tokens written to a prompt cache
 * @param readTokens for prompt entries, the tokens read from a prompt cache
 * @param holdId the hold this charge settled, if any
 * @param actor who made an administrative change, for admin entries
 * @param note a free-text note given with an administrative change
 */
public record LedgerEntry(
        String id,
        long seq,
        String user,
        TokenType tokenType,
        long rawAmount,
        Rate rate,
        Credits tokenValue,
        String context,
        @Nullable String model,
        @Nullable String valueKey,
        @Nullable String conversationId,
        Credits balance,
        Instant createdAt,
        long inputTokens,
        long writeTokens,
        long readTokens,
        @Nullable String holdId,
        @Nullable String actor,
        @Nullable String note) {

    /**
     * Validates the entry.
     *
     * @throws NullPointerException if a required field is null
     */
    public LedgerEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(tokenType, "tokenType");
        Objects.requireNonNull(rate, "rate");
        Objects.requireNonNull(tokenValue, "tokenValue");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(balance, "balance");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** @return the tokens this entry counts (zero for credits entries) */
    public long tokens() {
        return tokenType == TokenType.CREDITS ? 0 : Math.abs(rawAmount);
    }
}
