package dev.balancekit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancekit.AccountView;
import dev.balancekit.BalanceChange;
import dev.balancekit.BalanceDecision;
import dev.balancekit.BalanceLedger;
import dev.balancekit.BalanceRequest;
import dev.balancekit.BlockingBalanceLedger;
import dev.balancekit.ChargeRequest;
import dev.balancekit.Credits;
import dev.balancekit.EntryContext;
import dev.balancekit.HistoryQuery;
import dev.balancekit.Hold;
import dev.balancekit.LedgerConfig;
import dev.balancekit.LedgerEntry;
import dev.balancekit.ListQuery;
import dev.balancekit.Page;
import dev.balancekit.Receipt;
import dev.balancekit.Refill;
import dev.balancekit.RefillMode;
import dev.balancekit.RefillOverride;
import dev.balancekit.RefillUnit;
import dev.balancekit.Reservation;
import dev.balancekit.Tier;
import dev.balancekit.TokenType;
import dev.balancekit.Usage;
import dev.balancekit.UsageAmounts;
import dev.balancekit.UsageDimension;
import dev.balancekit.UsageGroup;
import dev.balancekit.UsageLimits;
import dev.balancekit.UsageQuery;
import dev.balancekit.UsageReport;
import dev.balancekit.UsageWindow;
import dev.balancekit.WindowUsage;
import dev.balancekit.memory.ManualClock;
import dev.balancekit.pricing.Multiplier;
import dev.balancekit.spi.AccountState;
import dev.balancekit.spi.BalanceStore;
import dev.balancekit.spi.CasResult;
import dev.balancekit.spi.StoredAccount;
import dev.balancekit.spi.WindowState;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link BalanceStore} must pass: what a store does, run through the real ledger
 * engine. Extend it and return a fresh empty store from {@link #createStore()}; the suite covers
 * accounts and their entries, holds kept and closed, compare-and-set conflicts and versions,
 * idempotent replays and the look-ups of earlier entries they need, history order and paging,
 * listing, the state that usage limits, refills and tiers keep in the account, usage tallies, two
 * hosts on one store, and many threads at once. After every test it checks, through the SPI, that
 * each account's balance equals the sum of its entries ({@link LedgerInvariants}).
 *
 * <pre>{@code
 * class MyStoreContractTest extends BalanceStoreContract {
 *     protected BalanceStore createStore() { return new MyStore(freshDatabase()); }
 * }
 * }</pre>
 *
 * <p>The engine's own rules (pricing, shortfall policies, validation, limits arithmetic) do not
 * depend on the store and are tested once, against the in-memory store, in the kit's own tests.
 * Prices and start balance: see {@link LedgerFixture}.
 */
public abstract class BalanceStoreContract extends LedgerFixture {

    /** For a store's test class to extend. */
    protected BalanceStoreContract() {}

    /**
     * A value the test needs: an operation that completed empty, or a field the operation should
     * have filled, fails the test here instead of as a NullPointerException further on.
     *
     * @param value the value, null when missing
     * @param <T> its type
     * @return the value
     * @throws AssertionError if it is missing
     */
    protected static <T> T present(@Nullable T value) {
        if (value == null) {
            throw new AssertionError("expected a value, found none");
        }
        return value;
    }

    /** Accounts come into being on first sight, with the start balance as an entry. */
    @Nested
    class Accounts {
        @Test
        void balance_unknownUser_isEmpty() {
            assertThat(ledger().balance("nobody")).isEmpty();
        }

        @Test
        void checkBalance_firstSight_createsAccountWithStartBalanceEntry() {
            ledger().checkBalance("u1", MODEL, 10, 0);

            AccountView view = ledger().balance("u1").orElseThrow();
            assertThat(view.balance()).isEqualTo(START);
            List<LedgerEntry> entries = LedgerInvariants.allEntries(store, "u1");
            assertThat(entries).singleElement().satisfies(e -> {
                assertThat(e.context()).isEqualTo(EntryContext.START_BALANCE);
                assertThat(e.tokenType()).isEqualTo(TokenType.CREDITS);
                assertThat(e.tokenValue()).isEqualTo(START);
                assertThat(e.balance()).isEqualTo(START);
            });
        }

        @Test
        void checkBalance_knownUser_writesNothing() {
            ledger().checkBalance("u1", MODEL, 10, 0);
            long version = present(store.load("u1").block()).version();

            ledger().checkBalance("u1", MODEL, 10, 0);

            assertThat(present(store.load("u1").block()).version()).isEqualTo(version);
        }

        @Test
        void startBalance_zero_createsAccountWithoutEntry() {
            BlockingBalanceLedger ledger =
                    ledger(config().startBalance(Credits.ZERO).build());

            BalanceDecision d = ledger.checkBalance("u1", MODEL, 1, 0);

            assertThat(d.status()).isEqualTo(BalanceDecision.Status.DENIED);
            assertThat(ledger.balance("u1").orElseThrow().balance()).isEqualTo(Credits.ZERO);
            assertThat(LedgerInvariants.allEntries(store, "u1")).isEmpty();
        }

        @Test
        void userIds_withLoneSurrogates_areRejected_soTwoNeverShareOneAccount() {
            BlockingBalanceLedger ledger = ledger();
            String smile = "u\uD83D\uDE00";
            String wink = "u\uD83D\uDE09";

            // a driver writes a lone surrogate as a replacement character: these two would be one account
            assertThatThrownBy(() -> ledger.addBalance(BalanceChange.of("u\uD800", Credits.of(5))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("user must be well-formed UTF-16 text, was 'u\\uD800': lone surrogate at index 1");
            assertThatThrownBy(() -> ledger.reserve(BalanceRequest.of("u\uDBFF", MODEL, 1, 0)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("user must be well-formed UTF-16 text, was 'u\\uDBFF': lone surrogate at index 1");
            ledger.addBalance(BalanceChange.of(smile, Credits.of(5)));
            ledger.addBalance(BalanceChange.of(wink, Credits.of(7)));

            assertThat(present(store.accounts(ListQuery.byUser()).block()).items())
                    .extracting(AccountState::user)
                    .containsExactlyInAnyOrder(smile, wink);
            assertThat(ledger.balance(smile).orElseThrow().balance()).isEqualTo(Credits.of(1005));
            assertThat(ledger.balance(wink).orElseThrow().balance()).isEqualTo(Credits.of(1007));
        }
    }

    /** Holds: reserve, settle, release, extend, expire. */
    @Nested
    class Holds {
        @Test
        void reserve_allowed_holdsEstimateAndLowersAvailable() {
            BlockingBalanceLedger ledger = ledger();

            Reservation r = ledger.reserve(BalanceRequest.of("u1", MODEL, 100, 200));

            assertThat(r.hold()).isNotNull();
            assertThat(r.hold().amount()).isEqualTo(Credits.of(500));
            assertThat(r.hold().expiresAt()).isEqualTo(T0.plus(Duration.ofMinutes(30)));
            AccountView view = ledger.balance("u1").orElseThrow();
            assertThat(view.balance()).isEqualTo(START);
            assertThat(view.available()).isEqualTo(Credits.of(500));
            assertThat(view.holds()).containsExactly(r.hold());
        }

        @Test
        void deduct_settlesHold_chargesActualAndFreesRest() {
            BlockingBalanceLedger ledger = ledger();
            Reservation r = ledger.reserve(BalanceRequest.of("u1", MODEL, 100, 200));

            Receipt receipt = ledger.deduct(
                    ChargeRequest.of("u1", MODEL, Usage.of(100, 50)).withHold(r.holdId()));

            assertThat(receipt.total()).isEqualTo(Credits.of(-200));
            assertThat(receipt.balance()).isEqualTo(Credits.of(800));
            assertThat(receipt.available()).isEqualTo(Credits.of(800));
            assertThat(receipt.entries()).allSatisfy(e -> assertThat(e.holdId()).isEqualTo(r.holdId()));
            assertThat(ledger.balance("u1").orElseThrow().holds()).isEmpty();
        }

        @Test
        void deduct_sameHoldTwice_replaysFirstReceipt() {
            BlockingBalanceLedger ledger = ledger();
            Reservation r = ledger.reserve(BalanceRequest.of("u1", MODEL, 100, 100));
            ChargeRequest charge =
                    ChargeRequest.of("u1", MODEL, Usage.of(100, 10)).withHold(r.holdId());

            Receipt first = ledger.deduct(charge);
            Receipt second = ledger.deduct(charge);

            assertThat(second.replay()).isTrue();
            assertThat(second.entries()).isEqualTo(first.entries());
            assertThat(ledger.balance("u1").orElseThrow().balance()).isEqualTo(Credits.of(880));
        }

        @Test
        void deduct_settledHold_leavesNothingOfItInTheAccount() {
            BlockingBalanceLedger ledger = ledger();
            for (int i = 0; i < 3; i++) {
                Reservation r = ledger.reserve(BalanceRequest.of("u1", MODEL, 100, 100));
                ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(100, 10)).withHold(r.holdId()));
            }

            AccountState state = present(store.load("u1").block()).state();
            assertThat(state.holds()).isEmpty();
            assertThat(state.operations())
                    .as("no idempotency key, no operation record")
                    .isEmpty();
            assertThat(state.recentKeys()).isEmpty();
            assertThat(state.lastHoldSeq()).isEqualTo(3);
        }

        @Test
        void deduct_sameHoldTwice_afterAHundredOtherHoldsClosed_replaysFromTheHistory() {
            BlockingBalanceLedger ledger =
                    ledger(config().startBalance(Credits.of(1_000_000)).build());
            Reservation r = ledger.reserve(BalanceRequest.of("u1", MODEL, 100, 100));
            ChargeRequest charge =
                    ChargeRequest.of("u1", MODEL, Usage.of(100, 10)).withHold(r.holdId());
            Receipt first = ledger.deduct(charge);
            closeOtherHolds(ledger, 101);

            Receipt again = ledger.deduct(charge);

            assertThat(again.replay()).isTrue();
            assertThat(again.entries()).isEqualTo(first.entries());
            assertThat(again.balance()).isEqualTo(first.balance());
            assertThatThrownBy(() -> ledger.deduct(
                            ChargeRequest.of("u1", MODEL, Usage.of(100, 11)).withHold(r.holdId())))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("holdId '" + r.holdId() + "' of user 'u1' was already settled at ");
            assertThat(ledger.balance("u1").orElseThrow().balance()).isEqualTo(Credits.of(1_000_000 - 120 - 101 * 3));
        }

        @Test
        void deduct_expiredHold_afterAHundredOtherHoldsClosed_chargesOnce() {
            BlockingBalanceLedger ledger =
                    ledger(config().startBalance(Credits.of(1_000_000)).build());
            Reservation r = ledger.reserve(BalanceRequest.of("u1", MODEL, 100, 100));
            clock.advance(Duration.ofHours(1));
            closeOtherHolds(ledger, 101);
            ChargeRequest late =
                    ChargeRequest.of("u1", MODEL, Usage.of(100, 10)).withHold(r.holdId());

            Receipt charged = ledger.deduct(late);
            Receipt again = ledger.deduct(late);

            assertThat(charged.replay()).isFalse();
            assertThat(charged.total()).isEqualTo(Credits.of(-120));
            assertThat(again.replay()).isTrue();
            assertThat(again.entries()).isEqualTo(charged.entries());
            assertThat(ledger.balance("u1").orElseThrow().balance()).isEqualTo(Credits.of(1_000_000 - 120 - 101 * 3));
        }

        @Test
        void deduct_releasedHold_afterAHundredOtherHoldsClosed_chargesOnce() {
            BlockingBalanceLedger ledger =
                    ledger(config().startBalance(Credits.of(1_000_000)).build());
            Reservation r = ledger.reserve(BalanceRequest.of("u1", MODEL, 100, 100));
            ledger.release("u1", present(r.holdId()));
            closeOtherHolds(ledger, 101);
            ChargeRequest late =
                    ChargeRequest.of("u1", MODEL, Usage.of(100, 10)).withHold(present(r.holdId()));

            Receipt charged = ledger.deduct(late);
            Receipt again = ledger.deduct(late);

            assertThat(charged.replay()).isFalse();
            assertThat(again.replay()).isTrue();
            assertThat(ledger.balance("u1").orElseThrow().balance()).isEqualTo(Credits.of(1_000_000 - 120 - 101 * 3));
            assertThat(ledger.release("u1", present(r.holdId())).entries())
                    .as("releasing it again is harmless")
                    .isEmpty();
        }

        /** Reserves and settles {@code count} holds of u1 (3 credits each). */
        private void closeOtherHolds(BlockingBalanceLedger ledger, int count) {
            for (int i = 0; i < count; i++) {
                Reservation other = ledger.reserve(BalanceRequest.of("u1", MODEL, 1, 1));
                ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(1, 1)).withHold(other.holdId()));
            }
        }

        @Test
        void deduct_keyedReplay_afterLaterEntries_readsItsOwnEntriesBack() {
            BlockingBalanceLedger ledger = ledger();
            ChargeRequest charge =
                    ChargeRequest.of("u1", MODEL, Usage.of(100, 10)).withIdempotencyKey("k1");
            Receipt first = ledger.deduct(charge);
            ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(7, 3)));
            ledger.addBalance(BalanceChange.of("u1", Credits.of(5)));

            Receipt again = ledger.deduct(charge);

            assertThat(again).isEqualTo(first.asReplay());
            assertThat(again.entries()).extracting(LedgerEntry::id).allMatch(id -> id.startsWith("k1#"));
        }

        @Test
        void deduct_settledHoldWithOtherUsage_isRejected() {
            BlockingBalanceLedger ledger = ledger();
            Reservation r = ledger.reserve(BalanceRequest.of("u1", MODEL, 100, 100));
            ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(100, 10)).withHold(r.holdId()));

            assertThatThrownBy(() -> ledger.deduct(
                            ChargeRequest.of("u1", MODEL, Usage.of(100, 11)).withHold(r.holdId())))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("holdId '" + r.holdId() + "' of user 'u1' was already settled at ");
            assertThat(ledger.balance("u1").orElseThrow().balance()).isEqualTo(Credits.of(880));
        }

        @Test
        void deduct_settledHoldWithNewKey_isRejectedAsAlreadySettled() {
            BlockingBalanceLedger ledger = ledger();
            Reservation r = ledger.reserve(BalanceRequest.of("u1", MODEL, 100, 100));
            ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(100, 10)).withHold(r.holdId()));

            assertThatThrownBy(() -> ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(100, 10))
                            .withHold(r.holdId())
                            .withIdempotencyKey("other")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("holdId '" + r.holdId() + "'")
                    .hasMessageContaining("already settled");
        }

        @Test
        void deduct_unknownOrForeignHold_isRejectedAndChangesNothing() {
            BlockingBalanceLedger ledger = ledger();
            Reservation other = ledger.reserve(BalanceRequest.of("u2", MODEL, 10, 0));
            ledger.checkBalance("u1", MODEL, 1, 0);

            assertThatThrownBy(() -> ledger.deduct(
                            ChargeRequest.of("u1", MODEL, Usage.of(1, 1)).withHold("nope")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("holdId 'nope' is not a hold of user 'u1'");
            assertThatThrownBy(() -> ledger.deduct(
                            ChargeRequest.of("u1", MODEL, Usage.of(1, 1)).withHold(other.holdId())))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("holdId '" + other.holdId() + "' is not a hold of user 'u1'");
            assertThat(ledger.balance("u1").orElseThrow().balance()).isEqualTo(START);
            assertThat(ledger.balance("u2").orElseThrow().available()).isEqualTo(Credits.of(990));
        }

        @Test
        void release_freesHold_andIsIdempotent() {
            BlockingBalanceLedger ledger = ledger();
            Reservation r = ledger.reserve(BalanceRequest.of("u1", MODEL, 300, 0));

            Receipt first = ledger.release("u1", present(r.holdId()));
            Receipt again = ledger.release("u1", present(r.holdId()));

            assertThat(first.available()).isEqualTo(START);
            assertThat(first.entries()).isEmpty();
            assertThat(again.available()).isEqualTo(START);
            assertThat(ledger.balance("u1").orElseThrow().holds()).isEmpty();
        }

        @Test
        void extendHold_active_movesExpiry() {
            BlockingBalanceLedger ledger = ledger();
            Reservation r = ledger.reserve(BalanceRequest.of("u1", MODEL, 100, 0));
            clock.advance(Duration.ofMinutes(20));

            Hold extended = ledger.extendHold("u1", present(r.holdId()));
            clock.advance(Duration.ofMinutes(20));

            assertThat(extended.expiresAt()).isEqualTo(T0.plus(Duration.ofMinutes(50)));
            assertThat(ledger.balance("u1").orElseThrow().available()).isEqualTo(Credits.of(900));
        }
    }

    /** Charges: priced entries, balance after, disabled mode. */
    @Nested
    class Charges {
        @Test
        void deduct_writesPromptAndCompletionEntries() {
            BlockingBalanceLedger ledger = ledger();

            Receipt r = ledger.deduct(
                    ChargeRequest.of("u1", MODEL, Usage.of(100, 50)).withConversationId("c1"));

            assertThat(r.entries()).hasSize(2);
            LedgerEntry prompt = present(r.entry(TokenType.PROMPT));
            LedgerEntry completion = present(r.entry(TokenType.COMPLETION));
            assertThat(prompt.rawAmount()).isEqualTo(-100);
            assertThat(prompt.tokenValue()).isEqualTo(Credits.of(-100));
            assertThat(prompt.balance()).isEqualTo(Credits.of(900));
            assertThat(prompt.conversationId()).isEqualTo("c1");
            assertThat(prompt.valueKey()).isEqualTo(MODEL);
            assertThat(completion.rawAmount()).isEqualTo(-50);
            assertThat(completion.tokenValue()).isEqualTo(Credits.of(-100));
            assertThat(completion.balance()).isEqualTo(Credits.of(800));
            assertThat(completion.context()).isEqualTo(EntryContext.MESSAGE);
            assertThat(ledger.balance("u1").orElseThrow().totalTokens()).isEqualTo(150);
        }

        @Test
        void deduct_cacheTokens_recordedOnPromptEntry() {
            Receipt r = ledger().deduct(
                            ChargeRequest.of("u1", MODEL, Usage.of(10, 0).withCache(20, 30)));

            LedgerEntry prompt = present(r.entry(TokenType.PROMPT));
            assertThat(prompt.rawAmount()).isEqualTo(-60);
            assertThat(prompt.inputTokens()).isEqualTo(10);
            assertThat(prompt.writeTokens()).isEqualTo(20);
            assertThat(prompt.readTokens()).isEqualTo(30);
            assertThat(prompt.tokenValue()).isEqualTo(Credits.of(-60));
        }

        @Test
        void enabledLater_grantsStartBalanceOnce() {
            ledger(config().enabled(false).build()).deduct(ChargeRequest.of("u1", MODEL, Usage.of(1, 1)));
            BlockingBalanceLedger enabled = ledger();

            enabled.checkBalance("u1", MODEL, 1, 0);
            enabled.checkBalance("u1", MODEL, 1, 0);

            assertThat(enabled.balance("u1").orElseThrow().balance()).isEqualTo(START);
        }
    }

    /** Administrative changes. */
    @Nested
    class Admin {
        @Test
        void addBalance_addsAdminEntryWithActor() {
            BlockingBalanceLedger ledger = ledger();

            Receipt r = ledger.addBalance(
                    BalanceChange.of("u1", credits("250.5")).withActor("ops").withNote("promo"));

            assertThat(r.balance()).isEqualTo(credits("1250.5"));
            assertThat(r.entries()).singleElement().satisfies(e -> {
                assertThat(e.context()).isEqualTo(EntryContext.ADMIN);
                assertThat(e.tokenType()).isEqualTo(TokenType.CREDITS);
                assertThat(e.tokenValue()).isEqualTo(credits("250.5"));
                assertThat(e.actor()).isEqualTo("ops");
                assertThat(e.note()).isEqualTo("promo");
                assertThat(e.rate().toString()).isEqualTo("1");
            });
        }

        @Test
        void addBalance_overflow_isRejectedAndChangesNothing() {
            BlockingBalanceLedger ledger = ledger();
            ledger.addBalance(BalanceChange.of("u1", Credits.ofMicros(Long.MAX_VALUE - START.micros())));

            assertThatThrownBy(() -> ledger.addBalance(BalanceChange.of("u1", Credits.ofMicros(1))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("amount 0.000001 would overflow the balance of user 'u1'");
            assertThat(ledger.balance("u1").orElseThrow().balance().micros()).isEqualTo(Long.MAX_VALUE);
        }
    }

    /** Repeating an operation with the same idempotency key. */
    @Nested
    class Idempotency {
        @Test
        void addBalance_sameKey_appliesOnceAndReplays() {
            BlockingBalanceLedger ledger = ledger();
            BalanceChange change = BalanceChange.of("u1", Credits.of(100)).withIdempotencyKey("topup-1");

            Receipt first = ledger.addBalance(change);
            Receipt second = ledger.addBalance(change);

            assertThat(first.replay()).isFalse();
            assertThat(second.replay()).isTrue();
            assertThat(second.entries()).isEqualTo(first.entries());
            assertThat(ledger.balance("u1").orElseThrow().balance()).isEqualTo(Credits.of(1100));
        }

        @Test
        void deduct_sameKey_chargesOnce() {
            BlockingBalanceLedger ledger = ledger();
            ChargeRequest charge =
                    ChargeRequest.of("u1", MODEL, Usage.of(10, 10)).withIdempotencyKey("msg-1");

            ledger.deduct(charge);
            Receipt again = ledger.deduct(charge);

            assertThat(again.replay()).isTrue();
            assertThat(ledger.balance("u1").orElseThrow().balance()).isEqualTo(Credits.of(970));
            assertThat(again.entries()).extracting(LedgerEntry::id).containsExactly("msg-1#2", "msg-1#3");
        }

        @Test
        void reserve_sameKey_holdsOnce() {
            BlockingBalanceLedger ledger = ledger();
            BalanceRequest req = BalanceRequest.of("u1", MODEL, 100, 0).withIdempotencyKey("req-1");

            Reservation first = ledger.reserve(req);
            Reservation second = ledger.reserve(req);

            assertThat(second.replay()).isTrue();
            assertThat(second.hold()).isEqualTo(first.hold());
            assertThat(ledger.balance("u1").orElseThrow().holds()).hasSize(1);
        }

        @Test
        void sameKey_differentRequest_isRejectedAndChangesNothing() {
            BlockingBalanceLedger ledger = ledger();
            ledger.addBalance(BalanceChange.of("u1", Credits.of(100)).withIdempotencyKey("k"));

            assertThatThrownBy(() -> ledger.addBalance(
                            BalanceChange.of("u1", Credits.of(200)).withIdempotencyKey("k")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("idempotencyKey 'k' was already used for a different request");
            assertThatThrownBy(() -> ledger.deduct(
                            ChargeRequest.of("u1", MODEL, Usage.of(1, 1)).withIdempotencyKey("k")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("idempotencyKey 'k' was already used for a different request");
            assertThat(ledger.balance("u1").orElseThrow().balance()).isEqualTo(Credits.of(1100));
        }

        @Test
        void reserve_sameKeyOnTwoLedgers_aDenialStands_evenOnceTheBalanceIsFree() {
            BlockingBalanceLedger one = ledger();
            BlockingBalanceLedger two = ledger();
            Reservation other = one.reserve(BalanceRequest.of("u1", MODEL, 600, 0));
            BalanceRequest request = BalanceRequest.of("u1", MODEL, 600, 0).withIdempotencyKey("req-1");

            // two processes get the same request; one answers before a release, the other after it
            Reservation denied = two.reserve(request);
            one.release("u1", present(other.holdId()));
            Reservation again = one.reserve(request);

            assertThat(denied.decision().status()).isEqualTo(BalanceDecision.Status.DENIED);
            assertThat(again.replay()).isTrue();
            assertThat(again.decision()).isEqualTo(denied.decision());
            assertThat(again.hold()).isNull();
            assertThat(one.balance("u1").orElseThrow().holds()).isEmpty();
        }

        @Test
        void reserve_sameKeyOnTwoLedgersWhoseClocksDisagreeOnAnExpiry_bothGetTheFirstOutcome() {
            LedgerConfig config = config().build();
            BlockingBalanceLedger ahead = ledger(config);
            ManualClock behindClock = new ManualClock(T0);
            BlockingBalanceLedger behind = BalanceLedger.builder()
                    .store(store)
                    .config(config)
                    .clock(behindClock)
                    .build()
                    .blocking();
            ahead.reserve(BalanceRequest.of("u1", MODEL, 600, 0));
            // for one host the hold has expired, for the other it is still active
            clock.advance(config.holdTtl().plusSeconds(1));
            behindClock.advance(config.holdTtl().minusSeconds(1));
            BalanceRequest request = BalanceRequest.of("u1", MODEL, 600, 0).withIdempotencyKey("req-2");

            Reservation first = behind.reserve(request);
            Reservation second = ahead.reserve(request);

            assertThat(first.isAllowed()).isFalse();
            assertThat(second.isAllowed()).isFalse();
            assertThat(second.replay()).isTrue();
            assertThat(ahead.balance("u1").orElseThrow().holds()).isEmpty();
        }

        @Test
        void reserve_sameKeyOnTwoLedgersAtOnce_neverDeniesOneAndHoldsForTheOther() throws Exception {
            BalanceLedger one = reactiveLedger(config().build());
            BalanceLedger two = reactiveLedger(config().build());
            BalanceLedger releaser = reactiveLedger(config().build());
            int pairs = 200;
            List<String> split = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                for (int i = 0; i < pairs; i++) {
                    // a hold that leaves too little for the request, released while both decide
                    Reservation other =
                            present(releaser.reserve("u1", MODEL, 600, 0).block());
                    BalanceRequest request =
                            BalanceRequest.of("u1", MODEL, 600, 0).withIdempotencyKey("pair-" + i);
                    CountDownLatch start = new CountDownLatch(1);
                    Future<Reservation> a = pool.submit(() -> {
                        start.await();
                        return one.reserve(request).block();
                    });
                    Future<Reservation> b = pool.submit(() -> {
                        start.await();
                        return two.reserve(request).block();
                    });
                    Future<Receipt> freed = pool.submit(() -> {
                        start.await();
                        return releaser.release("u1", present(other.holdId())).block();
                    });
                    start.countDown();
                    Reservation ra = a.get(1, TimeUnit.MINUTES);
                    Reservation rb = b.get(1, TimeUnit.MINUTES);
                    freed.get(1, TimeUnit.MINUTES);
                    if (ra.isAllowed() != rb.isAllowed()) {
                        split.add(request.idempotencyKey() + ": "
                                + ra.decision().status() + " / " + rb.decision().status());
                    }
                    for (Reservation r : List.of(ra, rb)) {
                        if (r.isAllowed()) {
                            one.release("u1", present(r.holdId())).block();
                        }
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(split).as("keys answered differently by the two ledgers").isEmpty();
            assertThat(present(one.balance("u1").block()).holds()).isEmpty();
        }

        @Test
        void deduct_sameKey_retriedAfterAThousandOtherKeyedOperations_chargesOnce() {
            BlockingBalanceLedger ledger = ledger();
            ChargeRequest charge =
                    ChargeRequest.of("u1", MODEL, Usage.of(10, 10)).withIdempotencyKey("msg-first");
            Receipt first = ledger.deduct(charge);
            for (int i = 0; i < 1000; i++) {
                clock.advance(Duration.ofMinutes(1));
                ledger.addBalance(BalanceChange.of("u1", Credits.of(1)).withIdempotencyKey("topup-" + i));
            }

            Receipt again = ledger.deduct(charge);

            assertThat(again.replay()).isTrue();
            assertThat(again.entries()).isEqualTo(first.entries());
            assertThat(again.balance()).isEqualTo(first.balance());
            assertThat(ledger.balance("u1").orElseThrow().balance()).isEqualTo(Credits.of(1000 - 30 + 1000));
            assertThatThrownBy(() -> ledger.deduct(
                            ChargeRequest.of("u1", MODEL, Usage.of(10, 11)).withIdempotencyKey("msg-first")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("idempotencyKey 'msg-first' was already used for a different request");
            assertThat(ledger.addBalance(BalanceChange.of("u1", Credits.of(1)).withIdempotencyKey("topup-0"))
                            .replay())
                    .isTrue();
        }

        @Test
        void newKeys_readNothingFromTheHistory() {
            CountingStore counting = new CountingStore(store);
            BlockingBalanceLedger ledger = BalanceLedger.builder()
                    .store(counting)
                    .config(config().build())
                    .clock(clock)
                    .build()
                    .blocking();
            for (int i = 0; i < 20; i++) {
                Reservation r =
                        ledger.reserve(BalanceRequest.of("u1", MODEL, 1, 1).withIdempotencyKey("r-" + i));
                ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(1, 1))
                        .withHold(r.holdId())
                        .withIdempotencyKey("c-" + i));
            }

            assertThat(counting.lookups.get()).isZero();
        }

        @Test
        void deduct_sameKey_afterTheRetention_isCharged() {
            BlockingBalanceLedger ledger =
                    ledger(config().idempotencyRetention(Duration.ofHours(1)).build());
            ChargeRequest charge =
                    ChargeRequest.of("u1", MODEL, Usage.of(10, 10)).withIdempotencyKey("msg-1");
            ledger.deduct(charge);
            for (int i = 0; i < 20; i++) {
                ledger.addBalance(BalanceChange.of("u1", Credits.of(1)).withIdempotencyKey("early-" + i));
            }
            clock.advance(Duration.ofHours(2));
            ledger.addBalance(BalanceChange.of("u1", Credits.of(1)).withIdempotencyKey("late"));

            Receipt again = ledger.deduct(charge);

            assertThat(again.replay()).isFalse();
            assertThat(ledger.balance("u1").orElseThrow().balance()).isEqualTo(Credits.of(1000 - 60 + 21));
        }

        @Test
        void keys_areScopedPerUser() {
            BlockingBalanceLedger ledger = ledger();
            ledger.addBalance(BalanceChange.of("u1", Credits.of(100)).withIdempotencyKey("k"));

            Receipt other =
                    ledger.addBalance(BalanceChange.of("u2", Credits.of(100)).withIdempotencyKey("k"));

            assertThat(other.replay()).isFalse();
            assertThat(other.balance()).isEqualTo(Credits.of(1100));
        }
    }

    /** History: newest first, filters, paging. */
    @Nested
    class History {
        @Test
        void transactionHistory_newestFirst_withFilters() {
            BlockingBalanceLedger ledger = ledger();
            ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(1, 1)));
            clock.advance(Duration.ofMinutes(1));
            ledger.addBalance(BalanceChange.of("u1", Credits.of(5)));
            clock.advance(Duration.ofMinutes(1));
            ledger.deduct(ChargeRequest.of("u1", FREE_MODEL, Usage.of(1, 0)).withContext(EntryContext.TITLE));

            List<LedgerEntry> all =
                    ledger.transactionHistory("u1", HistoryQuery.all()).items();
            assertThat(all).extracting(LedgerEntry::seq).containsExactly(5L, 4L, 3L, 2L, 1L);
            assertThat(ledger.transactionHistory("u1", HistoryQuery.all().withContext(EntryContext.ADMIN))
                            .items())
                    .extracting(LedgerEntry::seq)
                    .containsExactly(4L);
            assertThat(ledger.transactionHistory("u1", HistoryQuery.all().withModel(MODEL))
                            .items())
                    .extracting(LedgerEntry::seq)
                    .containsExactly(3L, 2L);
            assertThat(ledger.transactionHistory(
                                    "u1", HistoryQuery.all().between(T0.plusSeconds(30), T0.plusSeconds(90)))
                            .items())
                    .extracting(LedgerEntry::seq)
                    .containsExactly(4L);
        }

        @Test
        void transactionHistory_paging_isStableUnderConcurrentInserts() {
            BlockingBalanceLedger ledger = ledger();
            for (int i = 0; i < 9; i++) {
                ledger.addBalance(BalanceChange.of("u1", Credits.of(1)));
            }
            Page<LedgerEntry> first =
                    ledger.transactionHistory("u1", HistoryQuery.all().withLimit(4));
            ledger.addBalance(BalanceChange.of("u1", Credits.of(1)));
            Page<LedgerEntry> second = ledger.transactionHistory(
                    "u1", HistoryQuery.all().withLimit(4).after(first.nextCursor()));
            Page<LedgerEntry> third = ledger.transactionHistory(
                    "u1", HistoryQuery.all().withLimit(4).after(second.nextCursor()));

            assertThat(first.items()).extracting(LedgerEntry::seq).containsExactly(10L, 9L, 8L, 7L);
            assertThat(second.items()).extracting(LedgerEntry::seq).containsExactly(6L, 5L, 4L, 3L);
            assertThat(third.items()).extracting(LedgerEntry::seq).containsExactly(2L, 1L);
            assertThat(third.nextCursor()).isNull();
        }

        @Test
        void transactionHistory_unknownUser_isEmptyPage() {
            assertThat(ledger().transactionHistory("nobody", HistoryQuery.all()).items())
                    .isEmpty();
        }
    }

    /** Listing accounts. */
    @Nested
    class Listing {
        @Test
        void listBalances_sortsAndPages() {
            BlockingBalanceLedger ledger = ledger();
            ledger.addBalance(BalanceChange.of("b", Credits.of(300)));
            clock.advance(Duration.ofSeconds(1));
            ledger.addBalance(BalanceChange.of("a", Credits.of(100)));
            clock.advance(Duration.ofSeconds(1));
            ledger.deduct(ChargeRequest.of("c", MODEL, Usage.of(10, 5)));

            assertThat(ledger.listBalances(ListQuery.byUser()).items())
                    .extracting(AccountView::user)
                    .containsExactly("a", "b", "c");
            assertThat(ledger.listBalances(ListQuery.byUser().sortedBy(ListQuery.Sort.BALANCE, true))
                            .items())
                    .extracting(AccountView::user)
                    .containsExactly("b", "a", "c");
            assertThat(ledger.listBalances(ListQuery.byUser().sortedBy(ListQuery.Sort.LAST_ACTIVITY, true))
                            .items())
                    .extracting(AccountView::user)
                    .containsExactly("c", "a", "b");

            Page<AccountView> page1 = ledger.listBalances(ListQuery.byUser().withLimit(2));
            Page<AccountView> page2 =
                    ledger.listBalances(ListQuery.byUser().withLimit(2).after(page1.nextCursor()));
            assertThat(page1.items()).extracting(AccountView::user).containsExactly("a", "b");
            assertThat(page2.items()).extracting(AccountView::user).containsExactly("c");
            assertThat(page2.nextCursor()).isNull();
        }

        @Test
        void listBalances_showsLastTransactionAndTotalTokens() {
            BlockingBalanceLedger ledger = ledger();
            ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(10, 5)));
            clock.advance(Duration.ofMinutes(5));
            ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(1, 1)));

            AccountView v = ledger.listBalances(ListQuery.byUser()).items().get(0);

            assertThat(v.totalTokens()).isEqualTo(17);
            assertThat(v.lastTransactionAt()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
            assertThat(v.balance()).isEqualTo(Credits.of(1000 - 20 - 3));
        }
    }

    /** The store's compare-and-set, called directly. */
    @Nested
    class CompareAndSet {
        private AccountState state(String user, long micros) {
            return new AccountState(
                    user,
                    Credits.ofMicros(micros),
                    true,
                    List.of(),
                    0,
                    List.of(),
                    List.of(),
                    0,
                    null,
                    0,
                    T0,
                    null,
                    null,
                    0,
                    null,
                    List.of(),
                    null);
        }

        @Test
        void create_whenAbsent_applies_andSecondCreateConflicts() {
            assertThat(store.compareAndSet("x", 0, state("x", 0), List.of()).block())
                    .isEqualTo(CasResult.APPLIED);
            assertThat(store.compareAndSet("x", 0, state("x", 5), List.of()).block())
                    .isEqualTo(CasResult.CONFLICT);

            StoredAccount loaded = present(store.load("x").block());
            assertThat(loaded.version()).isEqualTo(1);
            assertThat(loaded.state().balance()).isEqualTo(Credits.ZERO);
        }

        @Test
        void staleVersion_conflicts_andWritesNoEntries() {
            BlockingBalanceLedger ledger = ledger();
            ledger.checkBalance("u1", MODEL, 1, 0);
            StoredAccount loaded = present(store.load("u1").block());
            ledger.addBalance(BalanceChange.of("u1", Credits.of(1)));

            LedgerEntry stray = LedgerEntry.builder()
                    .id("stray#1")
                    .seq(loaded.state().lastSeq() + 1)
                    .user("u1")
                    .credits(Credits.ofMicros(1))
                    .context(EntryContext.ADMIN)
                    .balance(loaded.state().balance().plus(Credits.ofMicros(1)))
                    .createdAt(T0)
                    .build();
            CasResult result = store.compareAndSet("u1", loaded.version(), loaded.state(), List.of(stray))
                    .block();

            assertThat(result).isEqualTo(CasResult.CONFLICT);
            assertThat(LedgerInvariants.allEntries(store, "u1"))
                    .extracting(LedgerEntry::id)
                    .doesNotContain("stray#1");
        }

        @Test
        void refillOverride_survivesTheRoundTrip_andLaterLedgerWrites_andIsRemovedWhenCleared() {
            Refill weekly = new Refill(RefillMode.ADD, 7, RefillUnit.DAYS, Credits.parse("2500.000001"));
            BlockingBalanceLedger ledger =
                    ledger(config().refill(new Refill(RefillMode.ADD, 1, RefillUnit.DAYS, Credits.of(500)))
                            .build());
            ledger.checkBalance("u1", MODEL, 1, 0);
            StoredAccount created = present(store.load("u1").block());
            AccountState overridden = created.state().withRefillOverride(RefillOverride.of(weekly));

            assertThat(store.compareAndSet("u1", created.version(), overridden, List.of())
                            .block())
                    .isEqualTo(CasResult.APPLIED);
            assertThat(present(store.load("u1").block()).state()).isEqualTo(overridden);

            ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(10, 0)));
            assertThat(present(store.load("u1").block()).state().refillOverride())
                    .isEqualTo(RefillOverride.of(weekly));
            assertThat(ledger.balance("u1").orElseThrow().refill()).isEqualTo(weekly);

            StoredAccount before = present(store.load("u1").block());
            AccountState disabled = before.state().withRefillOverride(new RefillOverride(false, null));
            store.compareAndSet("u1", before.version(), disabled, List.of()).block();
            assertThat(present(store.load("u1").block()).state()).isEqualTo(disabled);

            StoredAccount again = present(store.load("u1").block());
            AccountState cleared = again.state().withRefillOverride(null);
            store.compareAndSet("u1", again.version(), cleared, List.of()).block();
            assertThat(present(store.load("u1").block()).state()).isEqualTo(cleared);
        }

        @Test
        void load_returnsStateWithHoldsAndVersionBumpsPerWrite() {
            BlockingBalanceLedger ledger = ledger();
            Reservation r = ledger.reserve(BalanceRequest.of("u1", MODEL, 10, 0));
            long v1 = present(store.load("u1").block()).version();
            ledger.release("u1", present(r.holdId()));

            StoredAccount after = present(store.load("u1").block());

            assertThat(after.version()).isEqualTo(v1 + 1);
            assertThat(after.state().holds()).isEmpty();
            assertThat(after.state().lastHoldSeq()).isEqualTo(1);
        }

        @Test
        void racingWriters_neverLoseAnUpdate() throws Exception {
            BalanceLedger ledger = reactiveLedger(config().build());
            ledger.addBalance("hot", Credits.of(1)).block();
            int threads = 4;
            int perThread = 50;
            runConcurrently(
                    threads,
                    perThread,
                    () -> ledger.addBalance("hot", Credits.of(1)).block());
            assertThat(present(ledger.balance("hot").block()).balance())
                    .isEqualTo(Credits.of(1000 + 1 + threads * perThread));
        }
    }

    /** Many threads on a few accounts. */
    @Nested
    class Concurrency {
        @Test
        void mixedOperations_eightThreads_noLostUpdateNoOverspend() throws Exception {
            int threads = 8;
            int opsPerThread = concurrencyOpsPerThread();
            String[] users = {"c0", "c1", "c2"};
            BalanceLedger ledger = reactiveLedger(config().build());
            Map<String, AtomicLong> expectedMicros = new ConcurrentHashMap<>();
            for (String u : users) {
                expectedMicros.put(u, new AtomicLong(START.micros()));
            }
            AtomicLong negativeSeen = new AtomicLong();
            runConcurrently(threads, opsPerThread, () -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                String user = users[rnd.nextInt(users.length)];
                int op = rnd.nextInt(10);
                if (op == 0) {
                    Receipt r = present(ledger.addBalance(user, Credits.of(1 + rnd.nextInt(50)))
                            .block());
                    present(expectedMicros.get(user)).addAndGet(r.total().micros());
                    return;
                }
                long prompt = 1L + rnd.nextInt(40);
                long maxOut = rnd.nextInt(40);
                Reservation res =
                        present(ledger.reserve(user, MODEL, prompt, maxOut).block());
                if (!res.isAllowed()) {
                    return;
                }
                if (op == 1) {
                    ledger.release(user, present(res.holdId())).block();
                } else {
                    Usage used = Usage.of(rnd.nextLong(prompt + 1), rnd.nextLong(maxOut + 1));
                    Receipt r = present(
                            ledger.deduct(ChargeRequest.of(user, MODEL, used).withHold(present(res.holdId())))
                                    .block());
                    present(expectedMicros.get(user)).addAndGet(r.total().micros());
                    if (r.balance().isNegative()) {
                        negativeSeen.incrementAndGet();
                    }
                }
            });
            assertThat(negativeSeen)
                    .as("block policy never goes below its floor")
                    .hasValue(0);
            for (String u : users) {
                AccountView v = present(ledger.balance(u).block());
                assertThat(v.balance().micros())
                        .as("no lost update on %s", u)
                        .isEqualTo(present(expectedMicros.get(u)).get());
                assertThat(v.holds())
                        .as("every hold of %s settled or released", u)
                        .isEmpty();
            }
        }
    }

    /** The longest hold lifetime the config accepts: every expiry time it makes stays storable. */
    @Nested
    class HoldLifetime {
        @Test
        void reserve_extendAndSettle_withTheLongestHoldTtl_neverOverflow() {
            BlockingBalanceLedger ledger =
                    ledger(config().holdTtl(LedgerConfig.MAX_HOLD_TTL).build());

            Reservation r = ledger.reserve(BalanceRequest.of("u1", MODEL, 100, 0));
            assertThat(present(r.hold()).expiresAt()).isEqualTo(T0.plus(Duration.ofDays(7)));
            assertThat(ledger.balance("u1").orElseThrow().holds()).containsExactly(present(r.hold()));
            clock.advance(Duration.ofDays(6));
            Hold extended = ledger.extendHold("u1", present(r.holdId()));
            Receipt receipt = ledger.deduct(
                    ChargeRequest.of("u1", MODEL, Usage.of(100, 0)).withHold(present(r.holdId())));

            assertThat(extended.expiresAt()).isEqualTo(T0.plus(Duration.ofDays(13)));
            assertThat(receipt.balance()).isEqualTo(Credits.of(900));
            assertThat(ledger.balance("u1").orElseThrow().holds()).isEmpty();
        }

        @Test
        void hold_withTheLongestHoldTtl_countsUntilItsExpiry() {
            BlockingBalanceLedger ledger =
                    ledger(config().holdTtl(LedgerConfig.MAX_HOLD_TTL).build());
            ledger.reserve(BalanceRequest.of("u1", MODEL, 100, 0));

            clock.advance(LedgerConfig.MAX_HOLD_TTL.minusMillis(1));
            assertThat(ledger.balance("u1").orElseThrow().available()).isEqualTo(Credits.of(900));
            clock.advance(Duration.ofMillis(1));
            assertThat(ledger.balance("u1").orElseThrow().available()).isEqualTo(START);
        }
    }

    /** Usage limits, auto-refill and tiers, which live in the account document too. */
    @Nested
    class LimitsRefillsTiers {
        private final Instant monday = Instant.parse("2026-01-12T10:00:00Z");

        @Test
        void accountDocument_keepsWindowsTierAndRefillAcrossLoads() {
            clock.set(monday);
            LedgerConfig cfg = config().firstRefillAfterInterval(false)
                    .refill(new Refill(RefillMode.RESET, 1, RefillUnit.DAYS, Credits.of(500)))
                    .tier(Tier.builder("basic").build())
                    .tier(Tier.builder("pro")
                            .priceMultiplier(Multiplier.parse("0.5"))
                            .build())
                    .defaultTier("basic")
                    .build();
            BlockingBalanceLedger ledger = ledger(cfg);
            ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(100, 0)));
            ledger.setTier("u1", "pro", "ops");

            AccountState state = present(store.load("u1").block()).state();

            assertThat(state.tier()).isEqualTo("pro");
            assertThat(state.refillAnchor()).isEqualTo(monday);
            assertThat(state.lastRefill()).isEqualTo(monday);
            assertThat(state.windows())
                    .extracting(WindowState::spentMicros)
                    .containsOnly(Credits.of(100).micros());
            assertThat(ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(100, 0)))
                            .total())
                    .isEqualTo(Credits.of(-50));
            assertThat(ledger.balance("u1").orElseThrow().tier()).isEqualTo("pro");
        }

        @Test
        void newAccount_firstRefillAfterOneInterval_theStoreKeepsThePeriodStart() {
            clock.set(monday);
            BlockingBalanceLedger ledger = ledger(config().startBalance(Credits.of(100))
                    .refill(new Refill(RefillMode.ADD, 1, RefillUnit.DAYS, Credits.of(500)))
                    .build());

            BalanceDecision first = ledger.checkBalance("f1", MODEL, 300, 0);
            AccountState state = present(store.load("f1").block()).state();
            clock.advance(Duration.ofDays(1));
            BalanceDecision dayLater = ledger.checkBalance("f1", MODEL, 300, 0);

            assertThat(first.isAllowed()).isFalse();
            assertThat(state.refillAnchor()).isEqualTo(monday);
            assertThat(state.lastRefill()).isNull();
            assertThat(dayLater.isAllowed()).isTrue();
            assertThat(LedgerInvariants.allEntries(store, "f1"))
                    .filteredOn(e -> EntryContext.AUTO_REFILL.equals(e.context()))
                    .extracting(LedgerEntry::createdAt)
                    .containsExactly(monday.plus(Duration.ofDays(1)));
        }

        @Test
        void refill_manyThreadsAtOnce_exactlyOnePerPeriod() throws Exception {
            clock.set(monday);
            BalanceLedger ledger = reactiveLedger(config().startBalance(Credits.ZERO)
                    .firstRefillAfterInterval(false)
                    .refill(new Refill(RefillMode.ADD, 1, RefillUnit.DAYS, Credits.of(100)))
                    .build());

            // 150 credits never fit one refill of 100, so every check asks for a refill; only one per period may happen
            runConcurrently(
                    8, 20, () -> ledger.checkBalance("r1", MODEL, 150, 0).block());
            clock.advance(Duration.ofDays(1));
            runConcurrently(
                    8, 20, () -> ledger.checkBalance("r1", MODEL, 150, 0).block());
            clock.advance(Duration.ofHours(1));
            runConcurrently(
                    8, 20, () -> ledger.checkBalance("r1", MODEL, 150, 0).block());

            assertThat(LedgerInvariants.allEntries(store, "r1"))
                    .filteredOn(e -> EntryContext.AUTO_REFILL.equals(e.context()))
                    .extracting(LedgerEntry::createdAt)
                    .containsExactlyInAnyOrder(monday.plus(Duration.ofDays(1)), monday);
        }

        /**
         * Two hosts whose clocks are two seconds apart around Monday 1 June 2026 00:00 UTC, where a
         * day, an ISO week and a month end at once, take turns reserving and charging 30 credits
         * against a cap of 100, the host that is ahead first.
         *
         * @return the credits charged
         */
        private Credits chargedByHostsEitherSideOfMidnight(UsageLimits limits, UsageWindow window) {
            Instant midnight = Instant.parse("2026-06-01T00:00:00Z");
            clock.set(midnight.plusSeconds(1));
            LedgerConfig cfg = config().startBalance(Credits.of(10_000))
                    .usageLimits(limits)
                    .build();
            BlockingBalanceLedger ahead = ledger(cfg);
            BlockingBalanceLedger behind = BalanceLedger.builder()
                    .store(store)
                    .config(cfg)
                    .clock(new ManualClock(midnight.minusSeconds(1)))
                    .build()
                    .blocking();
            Credits charged = Credits.ZERO;
            for (int i = 0; i < 10; i++) {
                BlockingBalanceLedger host = i % 2 == 0 ? ahead : behind;
                Reservation r = host.reserve(BalanceRequest.of("w1", MODEL, 30, 0));
                if (r.isAllowed()) {
                    charged = charged.minus(host.deduct(ChargeRequest.of("w1", MODEL, Usage.of(30, 0))
                                    .withHold(r.holdId()))
                            .total());
                }
            }
            String newest = window.keyOf(LocalDate.of(2026, 6, 1));
            for (BlockingBalanceLedger host : List.of(ahead, behind)) {
                WindowUsage usage = host.usage("w1").get(window.ordinal());
                assertThat(usage.key()).as("the window never rolls back").isEqualTo(newest);
                assertThat(usage.spent()).isEqualTo(charged);
                assertThat(usage.resetsAt()).isEqualTo(window.resetsAt(LocalDate.of(2026, 6, 1), ZoneOffset.UTC));
            }
            return charged;
        }

        @Test
        void dailyCap_hostClocksEitherSideOfMidnight_isNeverExceeded() {
            assertThat(chargedByHostsEitherSideOfMidnight(
                            UsageLimits.credits(Credits.of(100), null, null), UsageWindow.DAILY))
                    .isEqualTo(Credits.of(90));
        }

        @Test
        void weeklyCap_hostClocksEitherSideOfTheWeeksEnd_isNeverExceeded() {
            assertThat(chargedByHostsEitherSideOfMidnight(
                            UsageLimits.credits(null, Credits.of(100), null), UsageWindow.WEEKLY))
                    .isEqualTo(Credits.of(90));
        }

        @Test
        void monthlyCap_hostClocksEitherSideOfTheMonthsEnd_isNeverExceeded() {
            assertThat(chargedByHostsEitherSideOfMidnight(
                            UsageLimits.credits(null, null, Credits.of(100)), UsageWindow.MONTHLY))
                    .isEqualTo(Credits.of(90));
        }

        @Test
        void dailyLimit_manyThreads_neverChargesPastTheCap() throws Exception {
            clock.set(monday);
            BalanceLedger ledger = reactiveLedger(config().startBalance(Credits.of(1_000_000))
                    .usageLimits(UsageLimits.credits(Credits.of(500), null, null))
                    .build());

            runConcurrently(8, 50, () -> {
                Reservation r = present(ledger.reserve("l1", MODEL, 7, 3).block());
                if (r.isAllowed()) {
                    ledger.deduct(ChargeRequest.of("l1", MODEL, Usage.of(7, 3)).withHold(r.holdId()))
                            .block();
                }
            });

            AccountView v = present(ledger.balance("l1").block());
            assertThat(v.balance()).isEqualTo(Credits.of(1_000_000 - 494)); // 38 requests of 13 credits fit in 500
            assertThat(present(ledger.usage("l1").block()).get(0).spent()).isEqualTo(Credits.of(494));
        }
    }

    /** Usage reports: the store adds up, every store the same, pending entries included. */
    @Nested
    class Reports {
        private static final String OTHER = "other-model";

        /** u1 and u2 on day 1 (T0), u1 again on day 2. */
        private BlockingBalanceLedger twoUsersTwoDays(LedgerConfig config) {
            BlockingBalanceLedger ledger = ledger(config);
            ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(10, 5)));
            ledger.deduct(ChargeRequest.of("u1", OTHER, Usage.of(1, 1)));
            ledger.deduct(ChargeRequest.of("u2", MODEL, Usage.of(100, 50)).withContext(EntryContext.TITLE));
            ledger.addBalance(BalanceChange.of("u2", Credits.of(5)));
            clock.advance(Duration.ofDays(1));
            ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(2, 1)));
            return ledger;
        }

        @Test
        void usageReport_byUserAndModel_addsUpSpendingTokensAndCredits() {
            BlockingBalanceLedger ledger = twoUsersTwoDays(config().build());

            UsageReport report = ledger.usageReport(
                    UsageQuery.of(UsageDimension.USER, UsageDimension.MODEL).orderBy(UsageQuery.Order.KEY));

            assertThat(UsageReportChecks.lines(report.groups()))
                    .containsExactly(
                            "u1|-|-|-|-|- spent=0 credited=1000 prompt=0 completion=0 entries=1",
                            "u1|other-model|-|-|-|- spent=12 credited=0 prompt=1 completion=1 entries=2",
                            "u1|test-model|-|-|-|- spent=24 credited=0 prompt=12 completion=6 entries=4",
                            "u2|-|-|-|-|- spent=0 credited=1005 prompt=0 completion=0 entries=2",
                            "u2|test-model|-|-|-|- spent=200 credited=0 prompt=100 completion=50 entries=2");
            assertThat(report.totals()).isEqualTo(new UsageAmounts(Credits.of(236), Credits.of(2005), 113, 57, 11));
            assertThat(report.groupCount()).isEqualTo(5);
            assertThat(report.nextCursor()).isNull();
        }

        @Test
        void usageReport_byPriceKeyContextAndDay_groupsSo_mostSpentFirst() {
            BlockingBalanceLedger ledger = twoUsersTwoDays(config().build());

            UsageReport report = ledger.usageReport(
                    UsageQuery.of(UsageDimension.DAY, UsageDimension.PRICE_KEY, UsageDimension.CONTEXT)
                            .forContexts(List.of(EntryContext.MESSAGE, EntryContext.TITLE)));

            assertThat(UsageReportChecks.lines(report.groups()))
                    .containsExactly(
                            "-|-|test-model|title|-|2026-01-15 spent=200 credited=0 prompt=100 completion=50 entries=2",
                            "-|-|test-model|message|-|2026-01-15 spent=20 credited=0 prompt=10 completion=5 entries=2",
                            "-|-|-|message|-|2026-01-15 spent=12 credited=0 prompt=1 completion=1 entries=2",
                            "-|-|test-model|message|-|2026-01-16 spent=4 credited=0 prompt=2 completion=1 entries=2");
        }

        @Test
        void usageReport_filtersByUserModelContextAndTime() {
            BlockingBalanceLedger ledger = twoUsersTwoDays(config().build());
            UsageQuery total = UsageQuery.of();

            assertThat(UsageReportChecks.lines(
                            ledger.usageReport(total.forUsers(List.of("u2"))).groups()))
                    .containsExactly("-|-|-|-|-|- spent=200 credited=1005 prompt=100 completion=50 entries=4");
            assertThat(UsageReportChecks.lines(
                            ledger.usageReport(total.forModels(List.of(MODEL))).groups()))
                    .containsExactly("-|-|-|-|-|- spent=224 credited=0 prompt=112 completion=56 entries=6");
            assertThat(UsageReportChecks.lines(ledger.usageReport(total.forContexts(List.of(EntryContext.ADMIN)))
                            .groups()))
                    .containsExactly("-|-|-|-|-|- spent=0 credited=5 prompt=0 completion=0 entries=1");
            assertThat(UsageReportChecks.lines(ledger.usageReport(total.between(T0.plus(Duration.ofHours(1)), null))
                            .groups()))
                    .containsExactly("-|-|-|-|-|- spent=4 credited=0 prompt=2 completion=1 entries=2");
            assertThat(UsageReportChecks.lines(ledger.usageReport(total.between(null, T0.plus(Duration.ofHours(1))))
                            .groups()))
                    .containsExactly("-|-|-|-|-|- spent=232 credited=2005 prompt=111 completion=56 entries=9");
            assertThat(ledger.usageReport(total.forUsers(List.of("nobody"))).groups())
                    .isEmpty();
        }

        @Test
        void usageReport_boundsFinerThanAMillisecond_areExact() {
            BlockingBalanceLedger ledger = ledger();
            clock.advance(Duration.ofNanos(1_500_000));
            ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(1, 1)));
            Instant at = T0.plusNanos(1_500_000);
            UsageQuery charges = UsageQuery.of().forModels(List.of(MODEL));

            assertThat(ledger.usageReport(charges.between(at, null)).totals().entries())
                    .isEqualTo(2);
            assertThat(ledger.usageReport(charges.between(at.plusNanos(1), null))
                            .totals()
                            .entries())
                    .isZero();
            assertThat(ledger.usageReport(charges.between(null, at)).totals().entries())
                    .isZero();
            assertThat(ledger.usageReport(charges.between(null, at.plusNanos(1)))
                            .totals()
                            .entries())
                    .isEqualTo(2);
        }

        @Test
        void usageReport_daysWeeksMonths_countInTheConfigZone_acrossDaylightSaving() {
            ZoneId berlin = ZoneId.of("Europe/Berlin");
            BlockingBalanceLedger ledger = ledger(config().zone(berlin).build());
            // 23:30 CET on 28 March, 00:30 CET and 23:30 CEST on 29 March (clocks went forward), 00:30 CEST on
            // 30 March (a Monday), 00:30 CEST on 1 April
            for (String t : List.of(
                    "2026-03-28T22:30:00Z",
                    "2026-03-28T23:30:00Z",
                    "2026-03-29T21:30:00Z",
                    "2026-03-29T22:30:00Z",
                    "2026-03-31T22:30:00Z")) {
                clock.set(Instant.parse(t));
                ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(1, 0)));
            }
            UsageQuery charges = UsageQuery.of().forModels(List.of(MODEL)).orderBy(UsageQuery.Order.KEY);

            assertThat(UsageReportChecks.lines(ledger.usageReport(charges.groupedBy(List.of(UsageDimension.DAY)))
                            .groups()))
                    .containsExactly(
                            "-|-|-|-|-|2026-03-28 spent=1 credited=0 prompt=1 completion=0 entries=1",
                            "-|-|-|-|-|2026-03-29 spent=2 credited=0 prompt=2 completion=0 entries=2",
                            "-|-|-|-|-|2026-03-30 spent=1 credited=0 prompt=1 completion=0 entries=1",
                            "-|-|-|-|-|2026-04-01 spent=1 credited=0 prompt=1 completion=0 entries=1");
            assertThat(UsageReportChecks.lines(ledger.usageReport(charges.groupedBy(List.of(UsageDimension.WEEK)))
                            .groups()))
                    .containsExactly(
                            "-|-|-|-|-|2026-03-23 spent=3 credited=0 prompt=3 completion=0 entries=3",
                            "-|-|-|-|-|2026-03-30 spent=2 credited=0 prompt=2 completion=0 entries=2");
            assertThat(UsageReportChecks.lines(ledger.usageReport(charges.groupedBy(List.of(UsageDimension.MONTH)))
                            .groups()))
                    .containsExactly(
                            "-|-|-|-|-|2026-03-01 spent=4 credited=0 prompt=4 completion=0 entries=4",
                            "-|-|-|-|-|2026-04-01 spent=1 credited=0 prompt=1 completion=0 entries=1");
            assertThat(ledger.usageReport(charges.groupedBy(List.of(UsageDimension.DAY)))
                            .zone())
                    .isEqualTo(berlin);
        }

        @Test
        void usageReport_byTier_countsAccountsWithoutOneUnderTheDefaultTier() {
            LedgerConfig config = config().tier(Tier.builder("basic").build())
                    .tier(Tier.builder("pro").build())
                    .defaultTier("basic")
                    .build();
            BlockingBalanceLedger ledger = twoUsersTwoDays(config);
            ledger.setTier("u1", "pro", "admin");
            ledger.setTier("u3", "basic", "admin");

            UsageReport report =
                    ledger.usageReport(UsageQuery.of(UsageDimension.TIER).forModels(List.of(MODEL, OTHER)));

            assertThat(UsageReportChecks.lines(report.groups()))
                    .containsExactly(
                            "-|-|-|-|basic|- spent=200 credited=0 prompt=100 completion=50 entries=2",
                            "-|-|-|-|pro|- spent=36 credited=0 prompt=13 completion=7 entries=6");
        }

        @Test
        void usageReport_pages_totalsCoverEveryPage() {
            BlockingBalanceLedger ledger = twoUsersTwoDays(config().build());
            ledger.deduct(ChargeRequest.of("u3", MODEL, Usage.of(1, 1)));
            UsageQuery byUser = UsageQuery.of(UsageDimension.USER).withLimit(2);

            UsageReport first = ledger.usageReport(byUser);
            UsageReport second = ledger.usageReport(byUser.after(first.nextCursor()));

            assertThat(first.groups()).extracting(UsageGroup::user).containsExactly("u2", "u1");
            assertThat(second.groups()).extracting(UsageGroup::user).containsExactly("u3");
            assertThat(second.nextCursor()).isNull();
            assertThat(first.totals()).isEqualTo(second.totals());
            assertThat(first.totals().spent()).isEqualTo(Credits.of(239));
            assertThat(first.groupCount()).isEqualTo(3);
            assertThatThrownBy(() -> byUser.after("x1"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("cursor is not one this ledger issued, was 'x1'");
        }

        @Test
        void usageReport_manyEntries_equalsTheHistoryAddedUp_forEveryDimension() {
            LedgerConfig config = config().zone(ZoneId.of("America/New_York"))
                    .tier(Tier.builder("basic").build())
                    .tier(Tier.builder("pro").build())
                    .defaultTier("basic")
                    .build();
            BlockingBalanceLedger ledger = ledger(config);
            // enough entries that a store with an outbox has copied some and holds others pending
            for (int i = 0; i < 45; i++) {
                String user = "u" + (i % 3);
                String model = i % 4 == 0 ? OTHER : MODEL;
                ChargeRequest charge = ChargeRequest.of(user, model, Usage.of(3 + i, 1 + i % 5));
                ledger.deduct(i % 7 == 0 ? charge.withContext(EntryContext.TITLE) : charge);
                if (i % 10 == 0) {
                    ledger.addBalance(BalanceChange.of(user, Credits.parse("2.5")));
                }
                clock.advance(Duration.ofHours(5));
            }
            ledger.setTier("u1", "pro", null);

            List<List<UsageDimension>> combos = List.of(
                    List.of(),
                    List.of(UsageDimension.USER, UsageDimension.MODEL),
                    List.of(UsageDimension.DAY, UsageDimension.MODEL),
                    List.of(UsageDimension.WEEK, UsageDimension.USER),
                    List.of(UsageDimension.MONTH, UsageDimension.CONTEXT),
                    List.of(UsageDimension.TIER, UsageDimension.PRICE_KEY));
            for (List<UsageDimension> by : combos) {
                UsageQuery query = UsageQuery.of()
                        .groupedBy(by)
                        .between(T0.plus(Duration.ofHours(12)), null)
                        .withLimit(3);
                assertThat(UsageReportChecks.sorted(
                                UsageReportChecks.lines(UsageReportChecks.allGroups(ledger, query))))
                        .as("grouped by %s", by)
                        .isEqualTo(UsageReportChecks.fromHistory(ledger, query, config.zone(), "basic"));
            }
        }
    }

    /** Which users of a batch have an account: what a listing of a user directory asks the store. */
    @Nested
    class UsersWithAccounts {
        @Test
        void usersWithAccounts_returnsOnlyTheUsersThatHaveAnAccount_eachOnce() {
            BlockingBalanceLedger ledger = ledger();
            ledger.addBalance(BalanceChange.of("has-1", Credits.of(5)));
            ledger.addBalance(BalanceChange.of("has-2", Credits.of(5)));

            assertThat(store.usersWithAccounts(List.of("has-2", "none", "has-1", "has-2"))
                            .collectList()
                            .block())
                    .containsExactlyInAnyOrder("has-1", "has-2");
            assertThat(store.usersWithAccounts(List.of()).collectList().block()).isEmpty();
            assertThat(store.usersWithAccounts(List.of("none")).collectList().block())
                    .isEmpty();
        }
    }

    /** Passes every call to a store, counting the lookups of entries by operation or hold. */
    private static final class CountingStore implements BalanceStore {
        final AtomicLong lookups = new AtomicLong();
        private final BalanceStore store;

        CountingStore(BalanceStore store) {
            this.store = store;
        }

        @Override
        public reactor.core.publisher.Mono<StoredAccount> load(String user) {
            return store.load(user);
        }

        @Override
        public reactor.core.publisher.Mono<CasResult> compareAndSet(
                String user, long expectedVersion, AccountState next, List<LedgerEntry> entries) {
            return store.compareAndSet(user, expectedVersion, next, entries);
        }

        @Override
        public reactor.core.publisher.Flux<LedgerEntry> history(String user, HistoryQuery query) {
            return store.history(user, query);
        }

        @Override
        public reactor.core.publisher.Flux<LedgerEntry> operationEntries(String user, String operationId) {
            lookups.incrementAndGet();
            return store.operationEntries(user, operationId);
        }

        @Override
        public reactor.core.publisher.Flux<LedgerEntry> holdEntries(String user, String holdId) {
            lookups.incrementAndGet();
            return store.holdEntries(user, holdId);
        }

        @Override
        public reactor.core.publisher.Mono<Page<AccountState>> accounts(ListQuery query) {
            return store.accounts(query);
        }
    }

    /**
     * Runs an action on several threads at once, each repeating it, and waits for all of them;
     * the first failure of any thread fails the test.
     *
     * @param threads how many threads
     * @param perThread how often each thread runs the action
     * @param action the action
     * @throws Exception the first failure
     */
    protected static void runConcurrently(int threads, int perThread, Runnable action) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        action.run();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * How many operations each of the eight threads of the concurrency test makes: 2,000 by
     * default. A store whose test server is slow may lower it, but not below 500.
     *
     * @return operations per thread
     */
    protected int concurrencyOpsPerThread() {
        return 2000;
    }
}
