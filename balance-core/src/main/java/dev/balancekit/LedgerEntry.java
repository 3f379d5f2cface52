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
 * <p>A store that reads entries back builds them with the canonical constructor; everything else
 * names the fields with {@link #builder()}:
 *
 * <pre>{@code
 * LedgerEntry grant = LedgerEntry.builder()
 *         .id("op#3").seq(3).user("u1").credits(Credits.of(50)).context(EntryContext.ADMIN)
 *         .balance(Credits.of(150)).createdAt(now).actor("ops").build();
 * }</pre>
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

    /**
     * Starts an entry with named fields: the counts start at 0, the optional fields at null.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link LedgerEntry} by field name. {@link #build()} checks the required fields (id,
     * user, token type, rate, value, context, balance, time) like the canonical constructor.
     */
    public static final class Builder {
        private static final Rate ONE_CREDIT_PER_UNIT = Rate.ofNanos(Rate.NANOS_PER_CREDIT);

        private @Nullable String id;
        private long seq;
        private @Nullable String user;
        private @Nullable TokenType tokenType;
        private long rawAmount;
        private @Nullable Rate rate;
        private @Nullable Credits tokenValue;
        private @Nullable String context;
        private @Nullable String model;
        private @Nullable String valueKey;
        private @Nullable String conversationId;
        private @Nullable Credits balance;
        private @Nullable Instant createdAt;
        private long inputTokens;
        private long writeTokens;
        private long readTokens;
        private @Nullable String holdId;
        private @Nullable String actor;
        private @Nullable String note;

        private Builder() {}

        /**
         * Makes this a credits entry of the given value: token type {@link TokenType#CREDITS}, the
         * raw amount in micro-credits, rate 1.
         *
         * @param value the signed change of the balance
         * @return this builder
         */
        public Builder credits(Credits value) {
            this.tokenType = TokenType.CREDITS;
            this.rawAmount = value.micros();
            this.rate = ONE_CREDIT_PER_UNIT;
            this.tokenValue = value;
            return this;
        }

        /**
         * Makes this a usage entry: what it counts, the token count (negative when spent) and the
         * rate applied.
         *
         * @param type {@link TokenType#PROMPT} or {@link TokenType#COMPLETION}
         * @param tokens the signed token count
         * @param appliedRate the effective rate, credits per token
         * @return this builder
         */
        public Builder usage(TokenType type, long tokens, Rate appliedRate) {
            this.tokenType = type;
            this.rawAmount = tokens;
            this.rate = appliedRate;
            return this;
        }

        /**
         * @param value see {@link LedgerEntry#id()}
         * @return this builder
         */
        public Builder id(String value) {
            this.id = value;
            return this;
        }

        /**
         * @param value see {@link LedgerEntry#seq()}
         * @return this builder
         */
        public Builder seq(long value) {
            this.seq = value;
            return this;
        }

        /**
         * @param value see {@link LedgerEntry#user()}
         * @return this builder
         */
        public Builder user(String value) {
            this.user = value;
            return this;
        }

        /**
         * @param value see {@link LedgerEntry#tokenType()}
         * @return this builder
         */
        public Builder tokenType(TokenType value) {
            this.tokenType = value;
            return this;
        }

        /**
         * @param value see {@link LedgerEntry#rawAmount()}
         * @return this builder
         */
        public Builder rawAmount(long value) {
            this.rawAmount = value;
            return this;
        }

        /**
         * @param value see {@link LedgerEntry#rate()}
         * @return this builder
         */
        public Builder rate(Rate value) {
            this.rate = value;
            return this;
        }

        /**
         * @param value see {@link LedgerEntry#tokenValue()}
         * @return this builder
         */
        public Builder tokenValue(Credits value) {
            this.tokenValue = value;
            return this;
        }

        /**
         * @param value see {@link LedgerEntry#context()}
         * @return this builder
         */
        public Builder context(String value) {
            this.context = value;
            return this;
        }

        /**
         * @param value see {@link LedgerEntry#model()}
         * @return this builder
         */
        public Builder model(@Nullable String value) {
            this.model = value;
            return this;
        }

        /**
         * @param value see {@link LedgerEntry#valueKey()}
         * @return this builder
         */
        public Builder valueKey(@Nullable String value) {
            this.valueKey = value;
            return this;
        }

        /**
         * @param value see {@link LedgerEntry#conversationId()}
         * @return this builder
         */
        public Builder conversationId(@Nullable String value) {
            this.conversationId = value;
            return this;
        }

        /**
         * @param value see {@link LedgerEntry#balance()}
         * @return this builder
         */
        public Builder balance(Credits value) {
            this.balance = value;
            return this;
        }

        /**
         * @param value see {@link LedgerEntry#createdAt()}
         * @return this builder
         */
        public Builder createdAt(Instant value) {
            this.createdAt = value;
            return this;
        }

        /**
         * Sets the prompt's token split.
         *
         * @param input see {@link LedgerEntry#inputTokens()}
         * @param write see {@link LedgerEntry#writeTokens()}
         * @param read see {@link LedgerEntry#readTokens()}
         * @return this builder
         */
        public Builder promptTokens(long input, long write, long read) {
            this.inputTokens = input;
            this.writeTokens = write;
            this.readTokens = read;
            return this;
        }

        /**
         * @param value see {@link LedgerEntry#holdId()}
         * @return this builder
         */
        public Builder holdId(@Nullable String value) {
            this.holdId = value;
            return this;
        }

        /**
         * @param value see {@link LedgerEntry#actor()}
         * @return this builder
         */
        public Builder actor(@Nullable String value) {
            this.actor = value;
            return this;
        }

        /**
         * @param value see {@link LedgerEntry#note()}
         * @return this builder
         */
        public Builder note(@Nullable String value) {
            this.note = value;
            return this;
        }

        /**
         * @return the entry
         * @throws NullPointerException if a required field was not set
         */
        @SuppressWarnings("NullAway") // the canonical constructor checks the required fields
        public LedgerEntry build() {
            return new LedgerEntry(
                    id,
                    seq,
                    user,
                    tokenType,
                    rawAmount,
                    rate,
                    tokenValue,
                    context,
                    model,
                    valueKey,
                    conversationId,
                    balance,
                    createdAt,
                    inputTokens,
                    writeTokens,
                    readTokens,
                    holdId,
                    actor,
                    note);
        }
    }
}
