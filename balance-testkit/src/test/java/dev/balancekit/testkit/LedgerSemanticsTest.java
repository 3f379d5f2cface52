package dev.balancekit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.balancekit.BalanceChange;
import dev.balancekit.BalanceDecision;
import dev.balancekit.BalanceNotEnabledException;
import dev.balancekit.BalanceRequest;
import dev.balancekit.BlockingBalanceLedger;
import dev.balancekit.ChargeRequest;
import dev.balancekit.Credits;
import dev.balancekit.DenialReason;
import dev.balancekit.EntryContext;
import dev.balancekit.Receipt;
import dev.balancekit.Reservation;
import dev.balancekit.TokenType;
import dev.balancekit.Usage;
import dev.balancekit.UsageDimension;
import dev.balancekit.UsageLimits;
import dev.balancekit.UsageQuery;
import dev.balancekit.memory.InMemoryBalanceStore;
import dev.balancekit.policy.ShortfallPolicy;
import dev.balancekit.spi.BalanceStore;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The engine's rules that do not depend on the store: pricing, shortfall policies, exemptions,
 * disabled mode, validation, request fingerprints and the arithmetic of a usage window. They run
 * once, here, against the in-memory store; what a store must do is in {@link BalanceStoreContract},
 * which every store runs. The invariant (balance = sum of entries) is checked after every test.
 */
class LedgerSemanticsTest extends LedgerFixture {

    @Override
    protected BalanceStore createStore() {
        return new InMemoryBalanceStore();
    }

    /** Checks: allowed, denied with the reason, fallbacks and exemptions. */
    @Nested
    class Checks {
        @Test
        void checkBalance_costWithinBalance_allows() {
            BalanceDecision d = ledger().checkBalance("u1", MODEL, 400, 300);

            assertThat(d.status()).isEqualTo(BalanceDecision.Status.ALLOWED);
            assertThat(d.estimatedCost()).isEqualTo(Credits.of(1000));
            assertThat(d.model()).isEqualTo(MODEL);
            assertThat(d.valueKey()).isEqualTo(MODEL);
        }

        @Test
        void checkBalance_outputBudgetCounts_deniesWhenPromptAloneWouldFit() {
            BalanceDecision promptOnly = ledger().checkBalance("u1", MODEL, 500, 0);
            BalanceDecision withOutput = ledger().checkBalance("u1", MODEL, 500, 251);

            assertThat(promptOnly.isAllowed()).isTrue();
            assertThat(withOutput.status()).isEqualTo(BalanceDecision.Status.DENIED);
            assertThat(withOutput.reason()).isEqualTo(DenialReason.INSUFFICIENT_BALANCE);
            assertThat(withOutput.estimatedCost()).isEqualTo(Credits.of(1002));
        }

        @Test
        void checkBalance_insufficient_rendersLibreChatMessageAndPayload() {
            BalanceDecision d = ledger().checkBalance("u1", MODEL, 1500, 0);

            assertThat(d.message()).isEqualTo("Insufficient Funds! Balance: 1000. Prompt tokens: 1500. Cost: 1500.");
            assertThat(d.payload())
                    .containsExactly(
                            entry("type", "token_balance"),
                            entry("balance", new BigDecimal("1000")),
                            entry("tokenCost", new BigDecimal("1500")),
                            entry("promptTokens", 1500L),
                            entry("reason", "insufficient_balance"));
        }

        @Test
        void checkBalance_minBalance_blockPolicy_deniesBelowMinimum() {
            BlockingBalanceLedger ledger =
                    ledger(config().minBalance(Credits.of(100)).build());

            assertThat(ledger.checkBalance("u1", MODEL, 900, 0).isAllowed()).isTrue();
            BalanceDecision d = ledger.checkBalance("u1", MODEL, 901, 0);
            assertThat(d.reason()).isEqualTo(DenialReason.BELOW_MINIMUM_BALANCE);
            assertThat(ledger.checkBalance("u1", MODEL, 1001, 0).reason()).isEqualTo(DenialReason.INSUFFICIENT_BALANCE);
        }

        @Test
        void checkBalance_allowNegativeWithFloor_allowsDownToFloorOnly() {
            BlockingBalanceLedger ledger =
                    ledger(config().shortfallPolicy(ShortfallPolicy.allowNegative(Credits.of(-500)))
                            .build());

            assertThat(ledger.checkBalance("u1", MODEL, 1500, 0).isAllowed()).isTrue();
            assertThat(ledger.checkBalance("u1", MODEL, 1501, 0).reason()).isEqualTo(DenialReason.INSUFFICIENT_BALANCE);
        }

        @Test
        void checkBalance_allowNegativeWithoutFloor_allowsAnyCost() {
            BlockingBalanceLedger ledger = ledger(config().shortfallPolicy(ShortfallPolicy.allowNegative(null))
                    .build());

            assertThat(ledger.checkBalance("u1", MODEL, 1_000_000, 1_000_000).status())
                    .isEqualTo(BalanceDecision.Status.ALLOWED);
        }

        @Test
        void checkBalance_freeModelPolicy_fallsBackWhenShort() {
            BlockingBalanceLedger ledger = ledger(config().shortfallPolicy(ShortfallPolicy.freeModel(FREE_MODEL))
                    .build());

            BalanceDecision fits = ledger.checkBalance("u1", MODEL, 10, 10);
            BalanceDecision shortfall = ledger.checkBalance("u1", MODEL, 2000, 0);

            assertThat(fits.model()).isEqualTo(MODEL);
            assertThat(shortfall.status()).isEqualTo(BalanceDecision.Status.FALLBACK);
            assertThat(shortfall.model()).isEqualTo(FREE_MODEL);
            assertThat(shortfall.isAllowed()).isTrue();
        }

        @Test
        void checkBalance_exemptCaller_skipsCheckUnlessEnforced() {
            BalanceRequest big = BalanceRequest.of("admin", MODEL, 5000, 0).withExempt(true);

            assertThat(ledger().reserve(big).isAllowed()).isTrue();
            BalanceDecision enforced =
                    ledger(config().enforceForExempt(true).build()).checkBalance(big);
            assertThat(enforced.status()).isEqualTo(BalanceDecision.Status.DENIED);
        }

        @Test
        void exemptCaller_isStillCharged() {
            BlockingBalanceLedger ledger = ledger();
            Reservation r =
                    ledger.reserve(BalanceRequest.of("admin", MODEL, 5000, 0).withExempt(true));

            Receipt receipt = ledger.deduct(
                    ChargeRequest.of("admin", MODEL, Usage.of(5000, 0)).withHold(r.holdId()));

            assertThat(receipt.balance()).isEqualTo(Credits.of(-4000));
        }

        @Test
        void checkBalance_disabled_alwaysAllowsAndCreatesNoStartBalance() {
            BlockingBalanceLedger ledger = ledger(config().enabled(false).build());

            BalanceDecision d = ledger.checkBalance("u1", MODEL, 1_000_000, 0);

            assertThat(d.status()).isEqualTo(BalanceDecision.Status.ALLOWED);
            assertThat(LedgerInvariants.allEntries(store, "u1")).isEmpty();
        }
    }

    /** Holds: what the engine allows, refuses and charges around them. */
    @Nested
    class Holds {
        @Test
        void reserve_secondWouldOverspend_isDenied() {
            BlockingBalanceLedger ledger = ledger();

            assertThat(ledger.reserve(BalanceRequest.of("u1", MODEL, 600, 0)).isAllowed())
                    .isTrue();
            Reservation second = ledger.reserve(BalanceRequest.of("u1", MODEL, 600, 0));

            assertThat(second.isAllowed()).isFalse();
            assertThat(second.hold()).isNull();
            assertThat(second.decision().available()).isEqualTo(Credits.of(400));
        }

        @Test
        void deduct_actualAboveHold_isRecordedInFull() {
            BlockingBalanceLedger ledger = ledger();
            Reservation r = ledger.reserve(BalanceRequest.of("u1", MODEL, 100, 0));

            Receipt receipt = ledger.deduct(
                    ChargeRequest.of("u1", MODEL, Usage.of(100, 1000)).withHold(r.holdId()));

            assertThat(receipt.balance()).isEqualTo(Credits.of(-1100));
        }

        @Test
        void release_unknownHold_isRejected() {
            BlockingBalanceLedger ledger = ledger();
            ledger.checkBalance("u1", MODEL, 1, 0);

            assertThatThrownBy(() -> ledger.release("u1", "missing"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("holdId 'missing' is not a hold of user 'u1'");
        }

        @Test
        void hold_pastExpiry_stopsCounting() {
            BlockingBalanceLedger ledger = ledger();
            Reservation r = ledger.reserve(BalanceRequest.of("u1", MODEL, 900, 0));
            assertThat(ledger.checkBalance("u1", MODEL, 200, 0).isAllowed()).isFalse();

            clock.advance(Duration.ofMinutes(30));

            assertThat(ledger.balance("u1").orElseThrow().available()).isEqualTo(START);
            assertThat(ledger.checkBalance("u1", MODEL, 200, 0).isAllowed()).isTrue();
            assertThat(ledger.release("u1", r.holdId()).available()).isEqualTo(START);
        }

        @Test
        void deduct_expiredHold_stillChargesUsage() {
            BlockingBalanceLedger ledger = ledger();
            Reservation r = ledger.reserve(BalanceRequest.of("u1", MODEL, 100, 100));
            clock.advance(Duration.ofHours(1));

            Receipt receipt = ledger.deduct(
                    ChargeRequest.of("u1", MODEL, Usage.of(100, 100)).withHold(r.holdId()));

            assertThat(receipt.balance()).isEqualTo(Credits.of(700));
        }

        @Test
        void extendHold_expired_isRejected() {
            BlockingBalanceLedger ledger = ledger();
            Reservation r = ledger.reserve(BalanceRequest.of("u1", MODEL, 100, 0));
            clock.advance(Duration.ofMinutes(31));

            assertThatThrownBy(() -> ledger.extendHold("u1", r.holdId()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is no longer active: expired");
        }

        @Test
        void reserve_fallback_holdsFreeModelCost() {
            BlockingBalanceLedger ledger = ledger(config().shortfallPolicy(ShortfallPolicy.freeModel(FREE_MODEL))
                    .build());

            Reservation r = ledger.reserve(BalanceRequest.of("u1", MODEL, 5000, 0));

            assertThat(r.decision().status()).isEqualTo(BalanceDecision.Status.FALLBACK);
            assertThat(r.hold().model()).isEqualTo(FREE_MODEL);
            assertThat(r.hold().amount()).isEqualTo(Credits.ZERO);
        }
    }

    /** Charges: prices, the default rate, disabled mode, bad input. */
    @Nested
    class Charges {
        @Test
        void deduct_incomplete_chargesCompletionAt115Percent() {
            Receipt r = ledger().deduct(
                            ChargeRequest.of("u1", MODEL, Usage.of(0, 100)).withContext(EntryContext.INCOMPLETE));

            assertThat(r.entries()).singleElement().satisfies(e -> {
                assertThat(e.tokenValue()).isEqualTo(Credits.of(-230));
                assertThat(e.rate().toString()).isEqualTo("2.3");
            });
        }

        @Test
        void deduct_unknownModel_usesDefaultRate() {
            Receipt r = ledger().deduct(ChargeRequest.of("u1", "some-unknown-model", Usage.of(10, 10)));

            assertThat(r.total()).isEqualTo(Credits.of(-120));
            assertThat(r.entries()).allSatisfy(e -> assertThat(e.valueKey()).isNull());
        }

        @Test
        void deduct_disabled_recordsEntriesWithoutChangingBalance() {
            BlockingBalanceLedger ledger = ledger(config().enabled(false).build());

            Receipt r = ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(100, 50)));

            assertThat(r.entries())
                    .hasSize(2)
                    .allSatisfy(e -> assertThat(e.tokenValue()).isEqualTo(Credits.ZERO));
            assertThat(r.entry(TokenType.COMPLETION).rate().toString()).isEqualTo("2");
            assertThat(ledger.balance("u1").orElseThrow().balance()).isEqualTo(Credits.ZERO);
        }

        @Test
        void deduct_badInput_isRejectedBeforeAnythingChanges() {
            assertThatThrownBy(() -> ChargeRequest.of("u1", " ", Usage.of(1, 1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("model must not be blank, was ' '");
            assertThatThrownBy(() -> ChargeRequest.of("", MODEL, Usage.of(1, 1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("user must not be blank, was ''");
            assertThat(ledger().balance("u1")).isEmpty();
        }
    }

    /** Administrative changes: what they record and when they are refused. */
    @Nested
    class Admin {
        @Test
        void addBalance_notPositive_isRejected() {
            assertThatThrownBy(() -> ledger().addBalance(BalanceChange.of("u1", Credits.ZERO)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("amount must be above zero, was 0");
            assertThatThrownBy(() -> ledger().addBalance(BalanceChange.of("u1", credits("-5"))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("amount must be above zero, was -5");
            assertThat(ledger().balance("u1")).isEmpty();
        }

        @Test
        void setBalance_recordsDifferenceAsAdjustment() {
            BlockingBalanceLedger ledger = ledger();
            ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(100, 0)));

            Receipt r =
                    ledger.setBalance(BalanceChange.of("u1", Credits.of(5000)).withActor("ops"));

            assertThat(r.balance()).isEqualTo(Credits.of(5000));
            assertThat(r.entries()).singleElement().satisfies(e -> {
                assertThat(e.context()).isEqualTo(EntryContext.ADJUSTMENT);
                assertThat(e.tokenValue()).isEqualTo(Credits.of(4100));
                assertThat(e.actor()).isEqualTo("ops");
            });
        }

        @Test
        void setBalance_newAccount_startsFromStartBalance() {
            Receipt r = ledger().setBalance(BalanceChange.of("u1", Credits.of(10)));

            assertThat(r.balance()).isEqualTo(Credits.of(10));
            assertThat(r.total()).isEqualTo(Credits.of(-990));
        }

        @Test
        void adminChanges_disabled_failWithHowToEnable() {
            BlockingBalanceLedger ledger = ledger(config().enabled(false).build());

            assertThatThrownBy(() -> ledger.addBalance(BalanceChange.of("u1", Credits.of(1))))
                    .isInstanceOf(BalanceNotEnabledException.class)
                    .hasMessageStartingWith("balance is not enabled")
                    .hasMessageContaining("enabled: true");
            assertThatThrownBy(() -> ledger.setBalance(BalanceChange.of("u1", Credits.of(1))))
                    .isInstanceOf(BalanceNotEnabledException.class);
            assertThat(ledger.balance("u1")).isEmpty();
        }
    }

    /** What counts as the same request under one idempotency key. */
    @Nested
    class Idempotency {
        private void assertKeyReused(ThrowingCallable call, String key) {
            assertThatThrownBy(call)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("idempotencyKey '" + key + "' was already used for a different request");
        }

        @Test
        void deduct_modelAndTokensThatJoinToTheSameText_areDifferentRequests() {
            BlockingBalanceLedger ledger = ledger();
            // 5 + 7 tokens at the default 6 credits
            ledger.deduct(ChargeRequest.of("u1", "m|100", Usage.of(5, 7)).withIdempotencyKey("k1"));

            // joined with '|', both read m|100|5|7|0|0|message|null|null
            assertKeyReused(
                    () -> ledger.deduct(
                            ChargeRequest.of("u1", "m", Usage.of(100, 5).withCache(7, 0))
                                    .withContext("0")
                                    .withConversationId("message|null")
                                    .withIdempotencyKey("k1")),
                    "k1");
            assertThat(ledger.balance("u1").orElseThrow().balance()).isEqualTo(Credits.of(1000 - 72));
        }

        @Test
        void deduct_contextAndConversationIdThatJoinToTheSameText_areDifferentRequests() {
            BlockingBalanceLedger ledger = ledger();
            ChargeRequest charge = ChargeRequest.of("u1", MODEL, Usage.of(10, 0));
            ledger.deduct(charge.withContext("a|b").withConversationId("c").withIdempotencyKey("k2"));
            ledger.deduct(charge.withIdempotencyKey("k3"));

            assertKeyReused(
                    () -> ledger.deduct(
                            charge.withContext("a").withConversationId("b|c").withIdempotencyKey("k2")),
                    "k2");
            // no conversation and a conversation named "null" are different too
            assertKeyReused(
                    () -> ledger.deduct(charge.withConversationId("null").withIdempotencyKey("k3")), "k3");
            assertThat(ledger.balance("u1").orElseThrow().balance()).isEqualTo(Credits.of(1000 - 20));
        }

        @Test
        void addBalance_actorAndNoteThatJoinToTheSameText_areDifferentRequests() {
            BlockingBalanceLedger ledger = ledger();
            BalanceChange change = BalanceChange.of("u1", Credits.of(100));
            ledger.addBalance(change.withActor("ops|x").withNote("y").withIdempotencyKey("k4"));
            ledger.setBalance(
                    BalanceChange.of("u1", Credits.of(500)).withNote("null").withIdempotencyKey("k5"));

            assertKeyReused(
                    () -> ledger.addBalance(
                            change.withActor("ops").withNote("x|y").withIdempotencyKey("k4")),
                    "k4");
            assertKeyReused(
                    () -> ledger.setBalance(BalanceChange.of("u1", Credits.of(500))
                            .withActor("null")
                            .withIdempotencyKey("k5")),
                    "k5");
            assertThat(ledger.balance("u1").orElseThrow().balance()).isEqualTo(Credits.of(500));
        }
    }

    /** Usage limits: the arithmetic of a window. */
    @Nested
    class Limits {
        private final Instant monday = Instant.parse("2026-01-12T10:00:00Z");

        @Test
        void dailyLimit_deniesUntilTheNextDay() {
            clock.set(monday);
            BlockingBalanceLedger ledger = ledger(config().startBalance(Credits.of(10_000))
                    .usageLimits(UsageLimits.credits(Credits.of(300), null, null))
                    .build());
            ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(250, 0)));

            BalanceDecision denied = ledger.checkBalance("u1", MODEL, 51, 0);
            clock.set(Instant.parse("2026-01-13T00:00:00Z"));
            BalanceDecision nextDay = ledger.checkBalance("u1", MODEL, 300, 0);

            assertThat(denied.reason()).isEqualTo(DenialReason.DAILY_LIMIT);
            assertThat(denied.window().spent()).isEqualTo(Credits.of(250));
            assertThat(denied.window().resetsAt()).isEqualTo(Instant.parse("2026-01-13T00:00:00Z"));
            assertThat(nextDay.isAllowed()).isTrue();
        }
    }

    /** Usage queries: bad input. */
    @Nested
    class Reports {
        @Test
        void usageQuery_badInput_isRefusedWithTheFieldAndValue() {
            assertThatThrownBy(() -> UsageQuery.of(UsageDimension.DAY, UsageDimension.MONTH))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("by may hold one of day, week and month, was [DAY, MONTH]");
            assertThatThrownBy(() -> UsageQuery.of(UsageDimension.USER, UsageDimension.USER))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("by must not repeat a dimension, was [USER, USER]");
            assertThatThrownBy(() -> UsageQuery.of().between(T0, T0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("since must be before until, was since " + T0 + " until " + T0);
            assertThatThrownBy(() -> UsageQuery.of().forUsers(List.of(" ")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("users must hold non-blank values of at most 512 characters, was ' '");
            assertThatThrownBy(() -> UsageQuery.of().withLimit(0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("limit must be between 1 and 10000, was 0");
        }
    }
}
