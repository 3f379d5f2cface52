package dev.balancekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancekit.memory.InMemoryBalanceStore;
import dev.balancekit.memory.ManualClock;
import dev.balancekit.policy.ShortfallPolicy;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.Multiplier;
import dev.balancekit.pricing.Premium;
import dev.balancekit.pricing.PriceTable;
import dev.balancekit.pricing.Rate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Every bad argument fails with an {@link IllegalArgumentException} that names the field and the
 * value, and leaves every account exactly as it was (state, version and entries). Argument errors
 * of the reactive methods are signalled on subscription, never thrown while building the
 * {@link Mono}.
 */
class LedgerValidationTest {

    private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
    private static final String MODEL = "m";
    private static final String LONGEST = "k".repeat(512);
    private static final String TOO_LONG = "k".repeat(513);

    private final ManualClock clock = new ManualClock(T0);
    private final InMemoryBalanceStore store = new InMemoryBalanceStore();
    private final BalanceLedger ledger = ledger(Credits.of(1000), 100);
    private final BlockingBalanceLedger blocking = ledger.blocking();

    private BalanceLedger ledger(Credits start, int operationsKept) {
        LedgerConfig config = LedgerConfig.builder()
                .startBalance(start)
                .operationsKept(operationsKept)
                .prices(PriceTable.builder()
                        .model(MODEL, ModelPrice.perToken("1", "2"))
                        .build())
                .build();
        return BalanceLedger.builder().store(store).config(config).clock(clock).build();
    }

    /** Everything the store holds for these users: the stored state with its version, and the entries. */
    private List<Object> snapshot(String... users) {
        List<Object> all = new ArrayList<>();
        for (String user : users) {
            all.add(store.load(user).blockOptional());
            all.add(store.history(user, HistoryQuery.all().withLimit(HistoryQuery.MAX_LIMIT))
                    .collectList()
                    .block());
        }
        return all;
    }

    /** Asserts that the call fails with exactly this message and that nothing changed for the users. */
    private void assertRejected(ThrowingCallable call, String message, String... users) {
        List<Object> before = snapshot(users);

        assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class).hasMessage(message);

        assertThat(snapshot(users)).as("nothing changed").isEqualTo(before);
    }

    private static String tokensMessage(String field, long value) {
        return field + " must be between 0 and " + Usage.MAX_TOKENS + ", was " + value;
    }

    static Stream<Arguments> badTokenCounts() {
        List<Arguments> args = new ArrayList<>();
        for (String field : List.of("promptTokens", "maxOutputTokens")) {
            for (long value : new long[] {-1, Long.MIN_VALUE, Usage.MAX_TOKENS + 1, Long.MAX_VALUE}) {
                args.add(Arguments.of(field, value));
            }
        }
        return args.stream();
    }

    /** Token counts of checks and reservations, on a known and an unknown user. */
    @Nested
    class TokenCounts {
        @ParameterizedTest(name = "{0} = {1}")
        @MethodSource("dev.balancekit.LedgerValidationTest#badTokenCounts")
        void checkBalance_badTokenCount_isRejectedNamingTheValue(String field, long value) {
            blocking.checkBalance("u1", MODEL, 1, 0);
            long prompt = field.equals("promptTokens") ? value : 10;
            long maxOut = field.equals("maxOutputTokens") ? value : 10;

            assertRejected(
                    () -> ledger.checkBalance("u1", MODEL, prompt, maxOut).block(), tokensMessage(field, value), "u1");
            assertRejected(
                    () -> ledger.checkBalance("new", MODEL, prompt, maxOut).block(),
                    tokensMessage(field, value),
                    "new");
        }

        @ParameterizedTest(name = "{0} = {1}")
        @MethodSource("dev.balancekit.LedgerValidationTest#badTokenCounts")
        void reserve_badTokenCount_isRejectedNamingTheValue(String field, long value) {
            blocking.checkBalance("u1", MODEL, 1, 0);
            long prompt = field.equals("promptTokens") ? value : 10;
            long maxOut = field.equals("maxOutputTokens") ? value : 10;

            assertRejected(
                    () -> ledger.reserve("u1", MODEL, prompt, maxOut).block(), tokensMessage(field, value), "u1");
            assertRejected(() -> BalanceRequest.of("u1", MODEL, prompt, maxOut), tokensMessage(field, value), "u1");
        }

        @Test
        void reserve_maxTokensExactly_isAcceptedAndDeniedAsABusinessOutcome() {
            Reservation r = blocking.reserve(BalanceRequest.of("u1", MODEL, Usage.MAX_TOKENS, Usage.MAX_TOKENS));

            assertThat(r.isAllowed()).isFalse();
            assertThat(r.decision().reason()).isEqualTo(DenialReason.INSUFFICIENT_BALANCE);
            assertThat(r.decision().estimatedCost()).isEqualTo(Credits.of(3 * Usage.MAX_TOKENS));
        }

        @Test
        void deduct_missingUsage_isRejectedNamingTheField() {
            assertRejected(() -> ChargeRequest.of("u1", MODEL, null), "usage must be given, was null", "u1");
        }
    }

    /** User ids, model names and the other texts of a request. */
    @Nested
    class Names {
        @ParameterizedTest
        @NullSource
        @ValueSource(strings = {"", " ", "\t\n"})
        void checkBalance_blankUser_isRejectedNamingTheValue(String user) {
            String shown = user == null ? "null" : "'" + user + "'";

            assertRejected(
                    () -> ledger.checkBalance(user, MODEL, 1, 0).block(), "user must not be blank, was " + shown);
            assertRejected(() -> ledger.reserve(user, MODEL, 1, 0).block(), "user must not be blank, was " + shown);
            assertThat(store.accounts(ListQuery.byUser()).block().items()).isEmpty();
        }

        @ParameterizedTest
        @NullSource
        @ValueSource(strings = {"", " ", "\t\n"})
        void reserve_blankModel_isRejectedNamingTheValue(String model) {
            blocking.checkBalance("u1", MODEL, 1, 0);
            String shown = model == null ? "null" : "'" + model + "'";

            assertRejected(
                    () -> ledger.reserve("u1", model, 1, 0).block(), "model must not be blank, was " + shown, "u1");
            assertRejected(
                    () -> ledger.checkBalance("u1", model, 1, 0).block(),
                    "model must not be blank, was " + shown,
                    "u1");
        }

        @Test
        void userLongerThan512Characters_isRejectedNamingTheLength() {
            String message = "user must be at most 512 characters, was 513 characters";

            assertRejected(() -> ledger.checkBalance(TOO_LONG, MODEL, 1, 0).block(), message, TOO_LONG);
            assertRejected(() -> ledger.release(TOO_LONG, "h").block(), message, TOO_LONG);
            assertRejected(() -> BalanceChange.of(TOO_LONG, Credits.of(1)), message, TOO_LONG);
            assertThat(blocking.checkBalance(LONGEST, MODEL, 1, 0).isAllowed()).isTrue();
        }

        @Test
        void releaseAndExtend_blankUserOrHoldId_areRejectedNamingTheField() {
            Reservation r = blocking.reserve(BalanceRequest.of("u1", MODEL, 10, 0));

            assertRejected(() -> ledger.release(" ", r.holdId()).block(), "user must not be blank, was ' '", "u1");
            assertRejected(() -> ledger.release("u1", "").block(), "holdId must not be blank, was ''", "u1");
            assertRejected(() -> ledger.extendHold("", r.holdId()).block(), "user must not be blank, was ''", "u1");
            assertRejected(() -> ledger.extendHold("u1", null).block(), "holdId must not be blank, was null", "u1");
        }

        @Test
        void chargeRequest_blankTexts_areRejectedNamingTheField() {
            ChargeRequest ok = ChargeRequest.of("u1", MODEL, Usage.of(1, 1));

            assertRejected(() -> ok.withContext(" "), "context must not be blank, was ' '");
            assertRejected(() -> ok.withConversationId(""), "conversationId must not be blank, was ''");
            assertRejected(() -> ok.withHold("\t"), "holdId must not be blank, was '\t'");
        }

        @Test
        void balanceChange_blankTexts_areRejectedNamingTheField() {
            BalanceChange ok = BalanceChange.of("u1", Credits.of(1));

            assertRejected(() -> BalanceChange.of(" ", Credits.of(1)), "user must not be blank, was ' '");
            assertRejected(() -> ok.withActor(""), "actor must not be blank, was ''");
            assertRejected(() -> ok.withNote(" "), "note must not be blank, was ' '");
        }

        @Test
        void reads_blankUser_areRejectedNamingTheValue() {
            assertRejected(() -> ledger.balance(" ").block(), "user must not be blank, was ' '");
            assertRejected(
                    () -> ledger.transactionHistory("", HistoryQuery.all()).block(), "user must not be blank, was ''");
        }

        private static String malformed(String field) {
            return field + " must be well-formed UTF-16 text, was 'a\\uD800b': lone surrogate at index 1";
        }

        @Test
        void userIds_withALoneSurrogate_areRejectedByEveryOperation() {
            String high = "a\uD800b";
            String message = malformed("user");

            assertRejected(() -> ledger.checkBalance(high, MODEL, 1, 0).block(), message);
            assertRejected(() -> ledger.reserve(high, MODEL, 1, 0).block(), message);
            assertRejected(() -> ChargeRequest.of(high, MODEL, Usage.of(1, 1)), message);
            assertRejected(() -> ledger.release(high, "h").block(), message);
            assertRejected(() -> ledger.extendHold(high, "h").block(), message);
            assertRejected(() -> BalanceChange.of(high, Credits.of(1)), message);
            assertRejected(() -> ledger.setTier(high, "pro", null).block(), message);
            assertRejected(() -> ledger.balance(high).block(), message);
            assertRejected(() -> ledger.usage(high).block(), message);
            assertRejected(
                    () -> ledger.transactionHistory(high, HistoryQuery.all()).block(), message);
            assertThat(store.accounts(ListQuery.byUser()).block().items()).isEmpty();
        }

        @Test
        void loneSurrogates_atEitherEndOrSwapped_areRejectedNamingTheirIndex() {
            assertRejected(
                    () -> ledger.checkBalance("u\uD83D", MODEL, 1, 0).block(),
                    "user must be well-formed UTF-16 text, was 'u\\uD83D': lone surrogate at index 1");
            assertRejected(
                    () -> ledger.checkBalance("\uDE00u", MODEL, 1, 0).block(),
                    "user must be well-formed UTF-16 text, was '\\uDE00u': lone surrogate at index 0");
            assertRejected(
                    () -> ledger.checkBalance("\uDE00\uD83D", MODEL, 1, 0).block(),
                    "user must be well-formed UTF-16 text, was '\\uDE00\\uD83D': lone surrogate at index 0");
        }

        @Test
        void textFieldsOfRequests_withALoneSurrogate_areRejectedNamingTheField() {
            String bad = "a\uD800b";
            ChargeRequest charge = ChargeRequest.of("u1", MODEL, Usage.of(1, 1));
            BalanceChange change = BalanceChange.of("u1", Credits.of(1));

            assertRejected(() -> ledger.reserve("u1", bad, 1, 0).block(), malformed("model"));
            assertRejected(() -> ChargeRequest.of("u1", bad, Usage.of(1, 1)), malformed("model"));
            assertRejected(() -> charge.withContext(bad), malformed("context"));
            assertRejected(() -> charge.withConversationId(bad), malformed("conversationId"));
            assertRejected(() -> charge.withHold(bad), malformed("holdId"));
            assertRejected(() -> charge.withIdempotencyKey(bad), malformed("idempotencyKey"));
            assertRejected(
                    () -> BalanceRequest.of("u1", MODEL, 1, 0).withIdempotencyKey(bad), malformed("idempotencyKey"));
            assertRejected(() -> change.withIdempotencyKey(bad), malformed("idempotencyKey"));
            assertRejected(() -> change.withActor(bad), malformed("actor"));
            assertRejected(() -> change.withNote(bad), malformed("note"));
            assertRejected(() -> ledger.release("u1", bad).block(), malformed("holdId"));
            assertRejected(() -> ledger.extendHold("u1", bad).block(), malformed("holdId"));
            assertRejected(() -> ledger.setTier("u1", bad, null).block(), malformed("tier"));
            assertRejected(() -> ledger.setTier("u1", "pro", bad).block(), malformed("actor"));
            assertRejected(() -> Tier.builder(bad), malformed("tier"));
            assertRejected(() -> HistoryQuery.all().withContext(bad), malformed("context"));
            assertRejected(() -> HistoryQuery.all().withModel(bad), malformed("model"));
            assertThat(store.accounts(ListQuery.byUser()).block().items()).isEmpty();
        }

        @Test
        void surrogatePairs_areWellFormed_andAccepted() {
            String emoji = "u\uD83D\uDE00";

            Receipt r = blocking.addBalance(
                    BalanceChange.of(emoji, Credits.of(1)).withActor(emoji).withNote(emoji));

            assertThat(r.user()).isEqualTo(emoji);
            assertThat(blocking.balance(emoji)).isPresent();
        }
    }

    /** Idempotency keys: present means non-blank and at most 512 characters. */
    @Nested
    class IdempotencyKeys {
        @Test
        void blankKey_isRejectedOnEveryRequestType() {
            String message = "idempotencyKey must not be blank, was ' '";

            assertRejected(() -> BalanceRequest.of("u1", MODEL, 1, 0).withIdempotencyKey(" "), message);
            assertRejected(() -> ChargeRequest.of("u1", MODEL, Usage.of(1, 1)).withIdempotencyKey(" "), message);
            assertRejected(() -> BalanceChange.of("u1", Credits.of(1)).withIdempotencyKey(" "), message);
        }

        @Test
        void keyLongerThan512Characters_isRejectedOnEveryRequestType() {
            String message = "idempotencyKey must be at most 512 characters, was 513 characters";

            assertRejected(() -> BalanceRequest.of("u1", MODEL, 1, 0).withIdempotencyKey(TOO_LONG), message);
            assertRejected(() -> ChargeRequest.of("u1", MODEL, Usage.of(1, 1)).withIdempotencyKey(TOO_LONG), message);
            assertRejected(() -> BalanceChange.of("u1", Credits.of(1)).withIdempotencyKey(TOO_LONG), message);
        }

        @Test
        void keyOf512Characters_isAcceptedAndReplays() {
            Reservation r =
                    blocking.reserve(BalanceRequest.of("u1", MODEL, 1, 0).withIdempotencyKey(LONGEST));

            Reservation again =
                    blocking.reserve(BalanceRequest.of("u1", MODEL, 1, 0).withIdempotencyKey(LONGEST));

            assertThat(again.replay()).isTrue();
            assertThat(again.hold()).isEqualTo(r.hold());
        }

        @Test
        void reserve_keyOfAChargeNoLongerRemembered_isRejectedAndChangesNothing() {
            BlockingBalanceLedger keepsOne = ledger(Credits.of(1000), 1).blocking();
            keepsOne.deduct(ChargeRequest.of("u1", MODEL, Usage.of(10, 0)).withIdempotencyKey("a"));
            keepsOne.addBalance(BalanceChange.of("u1", Credits.of(5)).withIdempotencyKey("b"));

            assertRejected(
                    () -> keepsOne.reserve(BalanceRequest.of("u1", MODEL, 10, 0).withIdempotencyKey("a")),
                    "idempotencyKey 'a' was already used for a different request",
                    "u1");
        }
    }

    /** Hold ids that are not the user's, or no longer active. */
    @Nested
    class Holds {
        @Test
        void releaseAndExtend_anotherUsersHold_areRejectedAndChangeNeitherAccount() {
            Reservation theirs = blocking.reserve(BalanceRequest.of("u2", MODEL, 10, 0));
            blocking.checkBalance("u1", MODEL, 1, 0);
            String message = "holdId '" + theirs.holdId() + "' is not a hold of user 'u1'";

            assertRejected(() -> ledger.release("u1", theirs.holdId()).block(), message, "u1", "u2");
            assertRejected(() -> ledger.extendHold("u1", theirs.holdId()).block(), message, "u1", "u2");
            assertThat(blocking.balance("u2").orElseThrow().holds()).containsExactly(theirs.hold());
        }

        @Test
        void extendHold_unknownHold_isRejectedNamingIt() {
            blocking.checkBalance("u1", MODEL, 1, 0);

            assertRejected(
                    () -> ledger.extendHold("u1", "nope").block(), "holdId 'nope' is not a hold of user 'u1'", "u1");
        }

        @Test
        void releaseAndExtend_unknownUser_areRejectedAndCreateNoAccount() {
            assertRejected(
                    () -> ledger.release("ghost", "h").block(), "holdId 'h' is not a hold of user 'ghost'", "ghost");
            assertRejected(
                    () -> ledger.extendHold("ghost", "h").block(), "holdId 'h' is not a hold of user 'ghost'", "ghost");
            assertThat(blocking.balance("ghost")).isEmpty();
        }

        @Test
        void extendHold_releasedOrSettled_isRejectedAsNoLongerActive() {
            Reservation released = blocking.reserve(BalanceRequest.of("u1", MODEL, 10, 0));
            Reservation settled = blocking.reserve(BalanceRequest.of("u1", MODEL, 10, 0));
            clock.advance(Duration.ofSeconds(5));
            blocking.release("u1", released.holdId());
            blocking.deduct(ChargeRequest.of("u1", MODEL, Usage.of(10, 0)).withHold(settled.holdId()));

            assertRejected(
                    () -> ledger.extendHold("u1", released.holdId()).block(),
                    "holdId '" + released.holdId() + "' of user 'u1' is no longer active: settled, released or expired",
                    "u1");
            assertRejected(
                    () -> ledger.extendHold("u1", settled.holdId()).block(),
                    "holdId '" + settled.holdId() + "' of user 'u1' is no longer active: settled, released or expired",
                    "u1");
        }
    }

    /** Amounts whose result does not fit a long of micro-credits. */
    @Nested
    class Overflow {
        @Test
        void addBalance_pastLongMaxOnANewAccount_isRejectedAndCreatesNoAccount() {
            assertRejected(
                    () -> blocking.addBalance(BalanceChange.of("u1", Credits.ofMicros(Long.MAX_VALUE))),
                    "amount 9223372036854.775807 would overflow the balance of user 'u1', was 1000",
                    "u1");
            assertThat(blocking.balance("u1")).isEmpty();
        }

        @Test
        void setBalance_differenceAboveLongMax_isRejectedAndChangesNothing() {
            blocking.setBalance(BalanceChange.of("u1", Credits.of(-1)));

            assertRejected(
                    () -> blocking.setBalance(BalanceChange.of("u1", Credits.ofMicros(Long.MAX_VALUE))),
                    "amount 9223372036854.775807 would overflow the balance of user 'u1', was -1",
                    "u1");
            assertThat(blocking.balance("u1").orElseThrow().balance()).isEqualTo(Credits.of(-1));
        }

        @Test
        void setBalance_differenceBelowLongMin_isRejectedAndChangesNothing() {
            blocking.checkBalance("u1", MODEL, 1, 0);

            assertRejected(
                    () -> blocking.setBalance(BalanceChange.of("u1", Credits.ofMicros(Long.MIN_VALUE))),
                    "amount -9223372036854.775808 would overflow the balance of user 'u1', was 1000",
                    "u1");
        }

        @Test
        void setBalance_toLongMaxFromZero_fits() {
            BlockingBalanceLedger fromZero = ledger(Credits.ZERO, 100).blocking();

            Receipt r = fromZero.setBalance(BalanceChange.of("u1", Credits.ofMicros(Long.MAX_VALUE)));

            assertThat(r.balance().micros()).isEqualTo(Long.MAX_VALUE);
        }

        @Test
        void deduct_belowLongMin_isRejectedAndChangesNothing() {
            BlockingBalanceLedger fromZero = ledger(Credits.ZERO, 100).blocking();
            Credits nearFloor = Credits.ofMicros(Long.MIN_VALUE + 5_000_000);
            fromZero.setBalance(BalanceChange.of("u1", nearFloor));
            List<Object> before = snapshot("u1");

            // 3 credits of prompt fit, the 4 credits of completion then do not; the message names the
            // balance before the charge.
            assertThatThrownBy(() -> fromZero.deduct(ChargeRequest.of("u1", MODEL, Usage.of(3, 2))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("charge of 7 credits would overflow the balance of user 'u1', was " + nearFloor);
            assertThat(snapshot("u1")).as("nothing changed").isEqualTo(before);
        }
    }

    /**
     * Charges and estimates whose cost does not fit a long of micro-credits, on every pricing path:
     * each token count, the long-context premium, the incomplete-stream factor, a tier's price
     * multiplier and the sum of the two lines.
     */
    @Nested
    class CostOverflow {
        private static final long MAX = Usage.MAX_TOKENS;
        private static final String LIMIT = " does not fit a credit amount (at most 9223372036854.775807 credits)";

        private BalanceLedger ledger(ShortfallPolicy policy, Tier... tiers) {
            LedgerConfig.Builder config = LedgerConfig.builder()
                    .startBalance(Credits.of(1000))
                    .shortfallPolicy(policy)
                    .prices(PriceTable.builder()
                            // 1e9 tokens at 10,000 credits are 1e13 credits: past the largest amount
                            .model(
                                    "big",
                                    ModelPrice.perToken("10000", "10000")
                                            .withCache(Rate.perToken("10000"), Rate.perToken("10000")))
                            // 1e9 tokens at 9,000 credits fit, at 1.15 x 9,000 or on both lines they do not
                            .model("nine", ModelPrice.perToken("9000", "9000"))
                            .model("cheap", ModelPrice.perToken("10", "10"))
                            .model(
                                    "long",
                                    ModelPrice.perToken("1", "1")
                                            .withPremium(
                                                    new Premium(100, Rate.perToken("10000"), Rate.perToken("10000"))))
                            .build());
            for (Tier t : tiers) {
                config.tier(t).defaultTier(t.name());
            }
            return BalanceLedger.builder()
                    .store(store)
                    .config(config.build())
                    .clock(clock)
                    .build();
        }

        private void assertChargeRejected(BalanceLedger on, ChargeRequest request, String message) {
            on.checkBalance("u1", "cheap", 1, 0).block();
            assertRejected(() -> on.deduct(request).block(), message, "u1");
        }

        @Test
        void deduct_eachTokenCountTimesItsRateOverflowing_isRejectedNamingTheCount() {
            BalanceLedger on = ledger(ShortfallPolicy.block());

            assertChargeRejected(
                    on,
                    ChargeRequest.of("u1", "big", Usage.of(MAX, 0)),
                    "charge of inputTokens 1000000000 on model 'big'" + LIMIT);
            assertChargeRejected(
                    on,
                    ChargeRequest.of("u1", "big", Usage.of(0, MAX)),
                    "charge of outputTokens 1000000000 on model 'big'" + LIMIT);
            assertChargeRejected(
                    on,
                    ChargeRequest.of("u1", "big", Usage.of(5, 7).withCache(MAX, 0)),
                    "charge of cacheWriteTokens 1000000000 on model 'big'" + LIMIT);
            assertChargeRejected(
                    on,
                    ChargeRequest.of("u1", "big", Usage.of(5, 7).withCache(0, MAX)),
                    "charge of cacheReadTokens 1000000000 on model 'big'" + LIMIT);
        }

        @Test
        void deduct_premiumRateOverflowing_isRejectedNamingTheCount() {
            BalanceLedger on = ledger(ShortfallPolicy.block());

            assertChargeRejected(
                    on,
                    ChargeRequest.of("u1", "long", Usage.of(MAX, 0)),
                    "charge of inputTokens 1000000000 on model 'long'" + LIMIT);
            assertThat(on.deduct(ChargeRequest.of("u1", "long", Usage.of(100, 0)))
                            .block()
                            .total())
                    .as("below the threshold, the base rate")
                    .isEqualTo(Credits.of(-100));
        }

        @Test
        void deduct_incompleteStreamFactorOverflowing_isRejectedNamingTheCount() {
            BalanceLedger on = ledger(ShortfallPolicy.block());

            assertChargeRejected(
                    on,
                    ChargeRequest.of("u1", "nine", Usage.of(0, MAX)).withContext(EntryContext.INCOMPLETE),
                    "charge of outputTokens 1000000000 on model 'nine'" + LIMIT);
        }

        @Test
        void deduct_twoLinesThatFitButNotTogether_isRejectedNamingBothCounts() {
            BalanceLedger on = ledger(ShortfallPolicy.block());

            assertChargeRejected(
                    on,
                    ChargeRequest.of("u1", "nine", Usage.of(MAX, MAX)),
                    "charge of inputTokens 1000000000 and outputTokens 1000000000 on model 'nine'" + LIMIT);
        }

        @Test
        void deduct_tierPriceMultiplierOverflowing_isRejectedNamingCountAndMultiplier() {
            BalanceLedger on = ledger(
                    ShortfallPolicy.block(),
                    Tier.builder("gold")
                            .priceMultiplier(Multiplier.parse("1000"))
                            .build());

            assertChargeRejected(
                    on,
                    ChargeRequest.of("u1", "cheap", Usage.of(MAX, 0)),
                    "charge of inputTokens 1000000000 on model 'cheap' at priceMultiplier 1000" + LIMIT);
        }

        @Test
        void checkAndReserve_estimateOverflowing_isRejectedNamingTheCount() {
            BalanceLedger on = ledger(ShortfallPolicy.block());

            assertRejected(
                    () -> on.checkBalance("u1", "big", MAX, 0).block(),
                    "estimate of promptTokens 1000000000 on model 'big'" + LIMIT,
                    "u1");
            assertRejected(
                    () -> on.reserve("u1", "big", 0, MAX).block(),
                    "estimate of maxOutputTokens 1000000000 on model 'big'" + LIMIT,
                    "u1");
            assertRejected(
                    () -> on.reserve("u1", "nine", MAX, MAX).block(),
                    "estimate of promptTokens 1000000000 and maxOutputTokens 1000000000 on model 'nine'" + LIMIT,
                    "u1");
        }

        @Test
        void reserve_holdsThatWouldNoLongerAddUp_isRejectedAndChangesNothing() {
            BalanceLedger on = ledger(ShortfallPolicy.allowNegative(null));
            assertThat(on.reserve("u1", "nine", MAX, 0).block().isAllowed()).isTrue();

            assertRejected(
                    () -> on.reserve("u1", "nine", MAX, 0).block(),
                    "hold of 9000000000000 credits would overflow the holds of user 'u1', which hold 9000000000000",
                    "u1");
            assertThat(on.balance("u1").block().available()).isEqualTo(Credits.of(1000 - 9_000_000_000_000L));
        }
    }

    /** History and listing queries. */
    @Nested
    class Queries {
        @ParameterizedTest
        @ValueSource(ints = {0, -1, Integer.MIN_VALUE, HistoryQuery.MAX_LIMIT + 1})
        void historyQuery_limitOutOfRange_isRejectedNamingTheValue(int limit) {
            assertRejected(
                    () -> HistoryQuery.all().withLimit(limit), "limit must be between 1 and 10000, was " + limit);
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -1, ListQuery.MAX_LIMIT + 1})
        void listQuery_limitOutOfRange_isRejectedNamingTheValue(int limit) {
            assertRejected(
                    () -> ListQuery.byUser().withLimit(limit), "limit must be between 1 and 10000, was " + limit);
        }

        @Test
        void queries_limitsAtTheBounds_areAccepted() {
            assertThat(HistoryQuery.all().withLimit(1).limit()).isEqualTo(1);
            assertThat(HistoryQuery.all().withLimit(HistoryQuery.MAX_LIMIT).limit())
                    .isEqualTo(10_000);
            assertThat(ListQuery.byUser().withLimit(1).limit()).isEqualTo(1);
            assertThat(ListQuery.byUser().withLimit(ListQuery.MAX_LIMIT).limit())
                    .isEqualTo(10_000);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "s", "x5", "S5", "s0", "s-3", "sabc", "s5x", "s99999999999999999999", "o5"})
        void historyQuery_malformedCursor_isRejectedNamingIt(String cursor) {
            assertRejected(
                    () -> HistoryQuery.all().after(cursor),
                    "cursor is not one this ledger issued, was '" + cursor + "'");
        }

        @Test
        void historyQuery_reversedOrEmptyRange_isRejectedNamingBothEnds() {
            Instant later = T0.plusSeconds(1);

            assertRejected(
                    () -> HistoryQuery.all().between(later, T0),
                    "from must be before until, was from 2026-01-15T10:00:01Z until 2026-01-15T10:00:00Z");
            assertRejected(
                    () -> HistoryQuery.all().between(T0, T0),
                    "from must be before until, was from 2026-01-15T10:00:00Z until 2026-01-15T10:00:00Z");
        }

        @Test
        void historyQuery_blankFilters_areRejectedNamingTheField() {
            assertRejected(() -> HistoryQuery.all().withContext(" "), "context must not be blank, was ' '");
            assertRejected(() -> HistoryQuery.all().withModel(""), "model must not be blank, was ''");
        }

        @Test
        void listQuery_blankCursorOrMissingSort_isRejectedNamingTheField() {
            assertRejected(() -> ListQuery.byUser().after(" "), "cursor must not be blank, was ' '");
            assertRejected(() -> new ListQuery(null, false, 10, null), "sort must be given, was null");
        }

        @ParameterizedTest
        @ValueSource(strings = {"x", "o", "o-1", "oabc", "s5", "o99999999999"})
        void listBalances_cursorTheStoreDidNotIssue_failsOnSubscriptionNamingIt(String cursor) {
            blocking.checkBalance("u1", MODEL, 1, 0);
            Mono<Page<AccountView>> page =
                    ledger.listBalances(ListQuery.byUser().after(cursor));

            StepVerifier.create(page)
                    .expectErrorSatisfies(e -> assertThat(e)
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessage("cursor is not one this store issued, was '" + cursor + "'"))
                    .verify();
        }
    }

    static Stream<Arguments> badReactiveCalls() {
        return Stream.of(
                call("release blank user", l -> l.release("", "h"), "user must not be blank, was ''"),
                call("release blank hold", l -> l.release("u1", " "), "holdId must not be blank, was ' '"),
                call("extendHold blank user", l -> l.extendHold(" ", "h"), "user must not be blank, was ' '"),
                call("extendHold blank hold", l -> l.extendHold("u1", ""), "holdId must not be blank, was ''"),
                call("checkBalance blank user", l -> l.checkBalance("", MODEL, 1, 0), "user must not be blank, was ''"),
                call(
                        "checkBalance negative tokens",
                        l -> l.checkBalance("u1", MODEL, -1, 0),
                        "promptTokens must be between 0 and 1000000000, was -1"),
                call("reserve blank model", l -> l.reserve("u1", " ", 1, 0), "model must not be blank, was ' '"),
                call(
                        "reserve absurd tokens",
                        l -> l.reserve("u1", MODEL, 1, Usage.MAX_TOKENS + 1),
                        "maxOutputTokens must be between 0 and 1000000000, was 1000000001"),
                call("addBalance blank user", l -> l.addBalance("", Credits.of(1)), "user must not be blank, was ''"),
                call("addBalance zero", l -> l.addBalance("u1", Credits.ZERO), "amount must be above zero, was 0"),
                call(
                        "addBalance negative",
                        l -> l.addBalance(BalanceChange.of("u1", Credits.parse("-0.5"))),
                        "amount must be above zero, was -0.5"),
                call("balance blank user", l -> l.balance(" "), "user must not be blank, was ' '"),
                call(
                        "transactionHistory blank user",
                        l -> l.transactionHistory("", HistoryQuery.all()),
                        "user must not be blank, was ''"));
    }

    private static Arguments call(String name, Function<BalanceLedger, Mono<?>> call, String message) {
        return Arguments.of(name, call, message);
    }

    /** Nothing is checked, loaded or written before subscription; errors arrive as signals. */
    @Nested
    class Laziness {
        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.balancekit.LedgerValidationTest#badReactiveCalls")
        void badArguments_failOnSubscriptionNotWhenCalled(
                String name, Function<BalanceLedger, Mono<?>> call, String message) {
            Mono<?>[] mono = new Mono<?>[1];

            assertThatCode(() -> mono[0] = call.apply(ledger)).as(name).doesNotThrowAnyException();

            StepVerifier.create(mono[0])
                    .expectErrorSatisfies(e -> assertThat(e)
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessage(message))
                    .verify();
            assertThat(store.accounts(ListQuery.byUser()).block().items())
                    .as("no account created")
                    .isEmpty();
        }
    }
}
