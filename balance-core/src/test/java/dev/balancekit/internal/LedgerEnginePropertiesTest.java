package dev.balancekit.internal;

import static dev.balancekit.property.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancekit.AccountView;
import dev.balancekit.BalanceChange;
import dev.balancekit.BalanceDecision;
import dev.balancekit.BalanceLedger;
import dev.balancekit.BalanceRequest;
import dev.balancekit.ChargeRequest;
import dev.balancekit.Credits;
import dev.balancekit.DenialReason;
import dev.balancekit.EntryContext;
import dev.balancekit.HistoryQuery;
import dev.balancekit.Hold;
import dev.balancekit.LedgerConfig;
import dev.balancekit.LedgerEntry;
import dev.balancekit.Page;
import dev.balancekit.Receipt;
import dev.balancekit.Reservation;
import dev.balancekit.TokenType;
import dev.balancekit.Usage;
import dev.balancekit.memory.InMemoryBalanceStore;
import dev.balancekit.memory.ManualClock;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.PriceTable;
import dev.balancekit.pricing.Rate;
import dev.balancekit.property.Gen;
import dev.balancekit.spi.StoredAccount;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Random operation sequences for one to three users, run through a real {@link BalanceLedger} over
 * an {@link InMemoryBalanceStore} and compared after every step with a reference model written
 * here from the documented rules: balances in micro-credits, holds with their expiry, closed holds,
 * and the idempotency keys each account remembers.
 *
 * <p>Prices are computed by the model itself (rates in nano-credits per token, each line rounded
 * up once to a micro-credit), so a rounding or pricing slip in the engine shows up as a balance
 * mismatch. The {@code frac} model's rates have sub-micro-credit digits so that almost every charge
 * is rounded.
 */
class LedgerEnginePropertiesTest {

    private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
    private static final Duration TTL = Duration.ofMinutes(30);
    private static final long START_MICROS = 5_000_000_000L;
    private static final String[] USERS = {"u0", "u1", "u2"};
    private static final String[] MODELS = {"m", "frac", "unpriced"};

    /**
     * The reference prices in nano-credits per token: prompt, completion, cache write, cache read.
     * {@code m} has no cache rates, so cache tokens cost its prompt rate; {@code unpriced} matches no
     * row and gets the default 6 / 6.
     */
    private static final Map<String, long[]> RATES = Map.of(
            "m", new long[] {1_000_000_000L, 2_000_000_000L, 1_000_000_000L, 1_000_000_000L},
            "frac", new long[] {300_500L, 1_234_500L, 375_100L, 30_100L},
            "unpriced", new long[] {6_000_000_000L, 6_000_000_000L, 6_000_000_000L, 6_000_000_000L});

    private static LedgerConfig config() {
        PriceTable prices = PriceTable.builder()
                .model("m", ModelPrice.perToken("1", "2"))
                .model(
                        "frac",
                        ModelPrice.perToken("0.0003005", "0.0012345")
                                .withCache(Rate.perToken("0.0003751"), Rate.perToken("0.0000301")))
                .build();
        // every keyed operation of a try stays remembered in the account, as the model assumes
        return LedgerConfig.builder()
                .startBalance(Credits.ofMicros(START_MICROS))
                .prices(prices)
                .holdTtl(TTL)
                .operationsKept(10_000)
                .build();
    }

    /** One try: how many users take part, and what they do. */
    private record Scenario(int userCount, List<Step> steps) {}

    @Test
    void randomOperations_matchReferenceModelAfterEveryStep() {
        Gen<Integer> userCounts = Gen.ints(1, 3);
        Gen<List<Step>> steps = steps();
        Gen<Scenario> scenarios = r -> new Scenario(userCounts.next(r), steps.next(r));
        forAll(200, scenarios, scenario -> {
            Run run = new Run(scenario.userCount());
            run.verify();
            for (Step step : scenario.steps()) {
                run.step(step);
                run.verify();
            }
        });
    }

    // ---- generated steps: raw choices, resolved against the model when they run ----

    private sealed interface Step
            permits Check,
                    Reserve,
                    ReserveAll,
                    SettleHold,
                    ChargeWithoutHold,
                    Release,
                    Extend,
                    Add,
                    SetTo,
                    Advance,
                    Repeat,
                    ReuseKey {}

    private record Check(int user, int model, long prompt, long maxOut) implements Step {}

    private record Reserve(int user, int model, long prompt, long maxOut, boolean keyed) implements Step {}

    /** Reserves at {@code m}'s prompt rate all the user's whole available credits, plus {@code over} tokens: the boundary. */
    private record ReserveAll(int user, int over, boolean keyed) implements Step {}

    /** Charges a hold of the user (or, when {@code foreign}, someone else's) at a percentage of what it reserved. */
    private record SettleHold(
            int user,
            int pick,
            boolean foreign,
            int promptPercent,
            int outputPercent,
            boolean cacheSplit,
            boolean incomplete,
            boolean keyed)
            implements Step {}

    private record ChargeWithoutHold(
            int user, int model, long prompt, long output, boolean cacheSplit, boolean incomplete, boolean keyed)
            implements Step {}

    private record Release(int user, int pick, boolean foreign) implements Step {}

    private record Extend(int user, int pick, boolean foreign) implements Step {}

    private record Add(int user, long micros, boolean keyed) implements Step {}

    private record SetTo(int user, long micros, boolean keyed) implements Step {}

    private record Advance(long seconds) implements Step {}

    /** Runs an earlier operation that had an idempotency key (explicit, or a settled hold's) again, unchanged. */
    private record Repeat(int pick) implements Step {}

    /** Uses a key the account remembers for a different request. */
    private record ReuseKey(int user, int pick, long micros) implements Step {}

    private static Gen<List<Step>> steps() {
        Gen<Integer> user = Gen.ints(0, USERS.length - 1);
        Gen<Integer> model = Gen.ints(0, MODELS.length - 1);
        Gen<Long> prompt = Gen.<Long>weighted(8, Gen.longs(0, 300)).or(1, Gen.longs(0, 5_000_000));
        Gen<Long> maxOut = Gen.<Long>weighted(8, Gen.longs(0, 200)).or(1, Gen.longs(0, 0));
        Gen<Integer> pick = Gen.ints(0, 1000);
        Gen<Boolean> coin = Gen.oneIn(2);
        Gen<Boolean> rare = Gen.oneIn(8);
        Gen<Integer> percent = Gen.<Integer>weighted(6, Gen.ints(0, 100))
                .or(2, Gen.ints(101, 150))
                .or(1, Gen.ints(100, 100));
        Gen<Long> seconds = Gen.<Long>weighted(4, Gen.longs(0, 120))
                .or(3, Gen.longs(0, 3600))
                .or(2, Gen.longs(TTL.toSeconds(), TTL.toSeconds()));
        Gen<Long> addMicros =
                Gen.<Long>weighted(9, Gen.longs(1, 5_000_000_000L)).or(1, Gen.longs(-1_000_000L, 0));
        Gen<Long> setMicros = Gen.longs(-500_000_000L, 6_000_000_000L);
        Gen<Integer> over = Gen.ints(0, 1);

        Gen<Step> check = r -> new Check(user.next(r), model.next(r), prompt.next(r), maxOut.next(r));
        Gen<Step> reserve = r -> new Reserve(user.next(r), model.next(r), prompt.next(r), maxOut.next(r), coin.next(r));
        Gen<Step> reserveAll = r -> new ReserveAll(user.next(r), over.next(r), coin.next(r));
        Gen<Step> settle = r -> new SettleHold(
                user.next(r),
                pick.next(r),
                rare.next(r),
                percent.next(r),
                percent.next(r),
                coin.next(r),
                rare.next(r),
                coin.next(r));
        Gen<Step> charge = r -> new ChargeWithoutHold(
                user.next(r), model.next(r), prompt.next(r), maxOut.next(r), coin.next(r), rare.next(r), coin.next(r));
        Gen<Step> release = r -> new Release(user.next(r), pick.next(r), rare.next(r));
        Gen<Step> extend = r -> new Extend(user.next(r), pick.next(r), rare.next(r));
        Gen<Step> add = r -> new Add(user.next(r), addMicros.next(r), coin.next(r));
        Gen<Step> set = r -> new SetTo(user.next(r), setMicros.next(r), coin.next(r));
        Gen<Step> advance = seconds.map(Advance::new);
        Gen<Step> repeat = pick.map(Repeat::new);
        Gen<Step> reuse = r -> new ReuseKey(user.next(r), pick.next(r), setMicros.next(r));

        Gen<Step> step = Gen.<Step>weighted(2, check)
                .or(6, reserve)
                .or(1, reserveAll)
                .or(6, settle)
                .or(2, charge)
                .or(2, release)
                .or(2, extend)
                .or(2, add)
                .or(1, set)
                .or(3, advance)
                .or(3, repeat)
                .or(1, reuse);
        return step.list(1, 60);
    }

    // ---- resolved operations: what the ledger is actually asked ----

    private sealed interface Op permits CheckOp, ReserveOp, ChargeOp, ReleaseOp, ExtendOp, AddOp, SetOp {}

    private record CheckOp(BalanceRequest request) implements Op {}

    private record ReserveOp(BalanceRequest request) implements Op {}

    private record ChargeOp(ChargeRequest request) implements Op {}

    private record ReleaseOp(String user, String holdId) implements Op {}

    private record ExtendOp(String user, String holdId) implements Op {}

    private record AddOp(BalanceChange change) implements Op {}

    private record SetOp(BalanceChange change) implements Op {}

    // ---- the reference model ----

    private enum HoldStatus {
        ACTIVE,
        SETTLED,
        RELEASED,
        EXPIRED,
        UNKNOWN
    }

    /** The first result of a keyed operation, and the request it answered. */
    private record Recorded(String kind, Object request, Object result) {
        boolean answers(String otherKind, Object otherRequest) {
            return kind.equals(otherKind) && request.equals(otherRequest);
        }
    }

    /** What a reservation was for, so that a later charge can use a percentage of it. */
    private record HoldOrigin(String user, String model, long prompt, long maxOut) {}

    private static final class Account {
        long balance = START_MICROS;
        final Map<String, Hold> holds = new LinkedHashMap<>();
        final Map<String, HoldStatus> closed = new HashMap<>();
        final Map<String, Recorded> operations = new LinkedHashMap<>();
        /** The charge that settled each hold, keyed by hold id, with its idempotency key left out. */
        final Map<String, Recorded> settledBy = new HashMap<>();

        long available() {
            long held = 0;
            for (Hold h : holds.values()) {
                held += h.amount().micros();
            }
            return balance - held;
        }

        HoldStatus status(String holdId) {
            if (holds.containsKey(holdId)) {
                return HoldStatus.ACTIVE;
            }
            return closed.getOrDefault(holdId, HoldStatus.UNKNOWN);
        }

        void expire(Instant now) {
            for (Iterator<Hold> it = holds.values().iterator(); it.hasNext(); ) {
                Hold h = it.next();
                if (!now.isBefore(h.expiresAt())) {
                    it.remove();
                    closed.put(h.id(), HoldStatus.EXPIRED);
                }
            }
        }
    }

    private static long ceilDiv(BigInteger n, long divisor) {
        return n.add(BigInteger.valueOf(divisor - 1))
                .divide(BigInteger.valueOf(divisor))
                .longValueExact();
    }

    private static BigInteger times(long a, long b) {
        return BigInteger.valueOf(a).multiply(BigInteger.valueOf(b));
    }

    private static long estimate(String model, long prompt, long maxOut) {
        long[] r = RATES.get(model);
        return ceilDiv(times(prompt, r[0]).add(times(maxOut, r[1])), 1_000);
    }

    private static long promptCost(String model, Usage u) {
        long[] r = RATES.get(model);
        return ceilDiv(
                times(u.inputTokens(), r[0])
                        .add(times(u.cacheWriteTokens(), r[2]))
                        .add(times(u.cacheReadTokens(), r[3])),
                1_000);
    }

    private static long completionCost(String model, long output, boolean incomplete) {
        long[] r = RATES.get(model);
        return incomplete
                ? ceilDiv(times(output, r[1]).multiply(BigInteger.valueOf(115)), 100_000)
                : ceilDiv(times(output, r[1]), 1_000);
    }

    private static Usage usage(long prompt, long output, boolean cacheSplit) {
        if (!cacheSplit) {
            return Usage.of(prompt, output);
        }
        long write = prompt / 3;
        long read = prompt / 4;
        return new Usage(prompt - write - read, output, write, read);
    }

    private static String keyReused(String key) {
        return "idempotencyKey '" + key + "' was already used for a different request";
    }

    private static String unknownHold(String user, String holdId) {
        return "holdId '" + holdId + "' is not a hold of user '" + user + "'";
    }

    /** One property try: the ledger under test, its clock and store, and the model beside it. */
    private static final class Run {
        final ManualClock clock = new ManualClock(T0);
        final InMemoryBalanceStore store = new InMemoryBalanceStore();
        final BalanceLedger ledger = BalanceLedger.builder()
                .store(store)
                .config(config())
                .clock(clock)
                .build();
        final int userCount;
        final Map<String, Account> accounts = new HashMap<>();
        final Map<String, HoldOrigin> holdOrigins = new LinkedHashMap<>();
        final List<Op> keyedOps = new ArrayList<>();
        int nextKey;

        Run(int userCount) {
            this.userCount = userCount;
        }

        String user(int index) {
            return USERS[index % userCount];
        }

        String key(boolean keyed) {
            return keyed ? "k" + nextKey++ : null;
        }

        Account accountFor(String user) {
            Account a = accounts.get(user);
            return a != null ? a : new Account();
        }

        void expireAll() {
            for (Account a : accounts.values()) {
                a.expire(clock.instant());
            }
        }

        /** Mostly one of the user's active holds, else any hold the user ever had, else someone else's. */
        String pickHold(String user, int pick, boolean foreign) {
            List<String> own = new ArrayList<>();
            List<String> others = new ArrayList<>();
            holdOrigins.forEach((id, origin) -> (origin.user().equals(user) ? own : others).add(id));
            Account a = accounts.get(user);
            if (!foreign && a != null && !a.holds.isEmpty() && pick % 4 != 0) {
                List<String> active = new ArrayList<>(a.holds.keySet());
                return active.get(pick % active.size());
            }
            if (!foreign && !own.isEmpty()) {
                return own.get(pick % own.size());
            }
            return others.isEmpty() ? "no-such-hold" : others.get(pick % others.size());
        }

        void step(Step step) {
            expireAll();
            if (step instanceof Check c) {
                execute(new CheckOp(BalanceRequest.of(user(c.user()), MODELS[c.model()], c.prompt(), c.maxOut())));
            } else if (step instanceof Reserve r) {
                execute(new ReserveOp(BalanceRequest.of(user(r.user()), MODELS[r.model()], r.prompt(), r.maxOut())
                        .withIdempotencyKey(key(r.keyed()))));
            } else if (step instanceof ReserveAll r) {
                String user = user(r.user());
                long wholeCredits = Math.max(0, Math.floorDiv(accountFor(user).available(), 1_000_000L));
                execute(new ReserveOp(
                        BalanceRequest.of(user, "m", wholeCredits + r.over(), 0).withIdempotencyKey(key(r.keyed()))));
            } else if (step instanceof SettleHold s) {
                String user = user(s.user());
                String holdId = pickHold(user, s.pick(), s.foreign());
                HoldOrigin origin = holdOrigins.getOrDefault(holdId, new HoldOrigin(user, "m", 10, 10));
                Usage used = usage(
                        origin.prompt() * s.promptPercent() / 100,
                        origin.maxOut() * s.outputPercent() / 100,
                        s.cacheSplit());
                execute(new ChargeOp(ChargeRequest.of(user, origin.model(), used)
                        .withContext(s.incomplete() ? EntryContext.INCOMPLETE : EntryContext.MESSAGE)
                        .withHold(holdId)
                        .withIdempotencyKey(key(s.keyed()))));
            } else if (step instanceof ChargeWithoutHold c) {
                execute(new ChargeOp(ChargeRequest.of(
                                user(c.user()), MODELS[c.model()], usage(c.prompt(), c.output(), c.cacheSplit()))
                        .withContext(c.incomplete() ? EntryContext.INCOMPLETE : EntryContext.MESSAGE)
                        .withIdempotencyKey(key(c.keyed()))));
            } else if (step instanceof Release r) {
                String user = user(r.user());
                execute(new ReleaseOp(user, pickHold(user, r.pick(), r.foreign())));
            } else if (step instanceof Extend e) {
                String user = user(e.user());
                execute(new ExtendOp(user, pickHold(user, e.pick(), e.foreign())));
            } else if (step instanceof Add a) {
                execute(new AddOp(
                        new BalanceChange(user(a.user()), Credits.ofMicros(a.micros()), "ops", null, key(a.keyed()))));
            } else if (step instanceof SetTo s) {
                execute(new SetOp(
                        new BalanceChange(user(s.user()), Credits.ofMicros(s.micros()), "ops", null, key(s.keyed()))));
            } else if (step instanceof Advance a) {
                clock.advance(Duration.ofSeconds(a.seconds()));
            } else if (step instanceof Repeat r) {
                if (!keyedOps.isEmpty()) {
                    execute(keyedOps.get(r.pick() % keyedOps.size()));
                }
            } else if (step instanceof ReuseKey k) {
                String user = user(k.user());
                Account a = accounts.get(user);
                if (a != null && !a.operations.isEmpty()) {
                    List<String> keys = new ArrayList<>(a.operations.keySet());
                    String key = keys.get(k.pick() % keys.size());
                    // no first request had a note, so this one is always a different request
                    execute(new SetOp(new BalanceChange(user, Credits.ofMicros(k.micros()), "ops", "reused key", key)));
                }
            }
        }

        void execute(Op op) {
            expireAll();
            if (op instanceof CheckOp c) {
                check(c.request());
            } else if (op instanceof ReserveOp r) {
                remember(op, r.request().idempotencyKey());
                reserve(r.request());
            } else if (op instanceof ChargeOp c) {
                ChargeRequest req = c.request();
                remember(op, req.idempotencyKey() != null ? req.idempotencyKey() : req.holdId());
                charge(req);
            } else if (op instanceof ReleaseOp r) {
                release(r.user(), r.holdId());
            } else if (op instanceof ExtendOp e) {
                extend(e.user(), e.holdId());
            } else if (op instanceof AddOp a) {
                remember(op, a.change().idempotencyKey());
                add(a.change());
            } else if (op instanceof SetOp s) {
                if (s.change().note() == null) {
                    remember(op, s.change().idempotencyKey());
                }
                set(s.change());
            }
        }

        private void remember(Op op, String key) {
            if (key != null && !keyedOps.contains(op)) {
                keyedOps.add(op);
            }
        }

        void check(BalanceRequest req) {
            Account a = accountFor(req.user());
            long cost = estimate(req.model(), req.promptTokens(), req.maxOutputTokens());
            long available = a.available();

            BalanceDecision d = ledger.checkBalance(req).block();

            assertDecision(d, a, cost, available);
            accounts.putIfAbsent(req.user(), a);
        }

        void reserve(BalanceRequest req) {
            String user = req.user();
            String key = req.idempotencyKey();
            Account existing = accounts.get(user);
            Recorded first = key != null && existing != null ? existing.operations.get(key) : null;
            if (first != null) {
                if (first.answers("reserve", req)) {
                    Reservation replay = assertReplay(user, () -> ledger.reserve(req));
                    Reservation original = (Reservation) first.result();
                    assertThat(replay).isEqualTo(new Reservation(original.decision(), original.hold(), true));
                } else {
                    assertRejected(user, () -> ledger.reserve(req), keyReused(key));
                }
                return;
            }
            Account a = accountFor(user);
            long cost = estimate(req.model(), req.promptTokens(), req.maxOutputTokens());
            long available = a.available();
            Instant now = clock.instant();

            Reservation r = ledger.reserve(req).block();

            assertDecision(r.decision(), a, cost, available);
            assertThat(r.replay()).isFalse();
            if (r.isAllowed()) {
                String id = r.holdId();
                Hold expected = new Hold(
                        id,
                        Credits.ofMicros(cost),
                        req.promptTokens() + req.maxOutputTokens(),
                        req.model(),
                        now,
                        now.plus(TTL));
                assertThat(r.hold()).isEqualTo(expected);
                a.holds.put(id, expected);
                holdOrigins.put(id, new HoldOrigin(user, req.model(), req.promptTokens(), req.maxOutputTokens()));
            } else {
                assertThat(r.hold()).isNull();
            }
            if (key != null) {
                // a keyed denial is remembered too: a repeat answers the same
                a.operations.put(key, new Recorded("reserve", req, r));
            }
            accounts.putIfAbsent(user, a);
        }

        /** Under the block policy with no minimum: allowed exactly when available - estimate >= 0. */
        private void assertDecision(BalanceDecision d, Account a, long cost, long available) {
            assertThat(d.estimatedCost().micros()).as("estimated cost").isEqualTo(cost);
            assertThat(d.balance().micros()).as("balance in decision").isEqualTo(a.balance);
            assertThat(d.available().micros()).as("available in decision").isEqualTo(available);
            boolean fits = available - cost >= 0;
            assertThat(d.isAllowed())
                    .as("allowed iff %d - %d >= 0", available, cost)
                    .isEqualTo(fits);
            assertThat(d.status()).isEqualTo(fits ? BalanceDecision.Status.ALLOWED : BalanceDecision.Status.DENIED);
            assertThat(d.reason()).isEqualTo(fits ? null : DenialReason.INSUFFICIENT_BALANCE);
        }

        void charge(ChargeRequest req) {
            String user = req.user();
            String holdId = req.holdId();
            String key = req.idempotencyKey();
            Account existing = accounts.get(user);
            Recorded first = key != null && existing != null ? existing.operations.get(key) : null;
            if (first != null) {
                if (first.answers("charge", req)) {
                    Receipt replay = assertReplay(user, () -> ledger.deduct(req));
                    assertThat(replay).isEqualTo(((Receipt) first.result()).asReplay());
                } else {
                    assertRejected(user, () -> ledger.deduct(req), keyReused(key));
                }
                return;
            }
            Recorded settle = key == null && holdId != null && existing != null ? existing.settledBy.get(holdId) : null;
            if (settle != null && !((Receipt) settle.result()).entries().isEmpty() && settle.answers("charge", req)) {
                // the history holds the charge that settled the hold: the same charge again is a retry,
                // answered with the available balance of now
                Receipt replay = assertReplay(user, () -> ledger.deduct(req));
                Receipt original = (Receipt) settle.result();
                assertThat(replay)
                        .isEqualTo(new Receipt(
                                original.user(),
                                original.operationId(),
                                original.entries(),
                                original.balance(),
                                Credits.ofMicros(existing.available()),
                                true));
                return;
            }
            Account a = accountFor(user);
            if (holdId != null) {
                HoldStatus status = a.status(holdId);
                if (status == HoldStatus.UNKNOWN) {
                    assertRejected(user, () -> ledger.deduct(req), unknownHold(user, holdId));
                    return;
                }
                if (status == HoldStatus.SETTLED) {
                    assertRejected(
                            user,
                            () -> ledger.deduct(req),
                            "holdId '" + holdId + "' of user '" + user + "' was already settled at ");
                    return;
                }
                // an active hold is settled; a released or expired one is charged without it
                a.holds.remove(holdId);
                // a charge of no tokens leaves no entry: the history cannot tell it from a release
                a.closed.put(holdId, req.usage().totalTokens() == 0 ? HoldStatus.RELEASED : HoldStatus.SETTLED);
            }
            Usage u = req.usage();
            long prompt = promptCost(req.model(), u);
            long completion = completionCost(req.model(), u.outputTokens(), req.incomplete());
            a.balance -= prompt + completion;

            Receipt r = ledger.deduct(req).block();

            assertThat(r.replay()).isFalse();
            assertThat(r.total().micros()).as("charge total").isEqualTo(-(prompt + completion));
            assertThat(r.balance().micros()).as("balance after charge").isEqualTo(a.balance);
            assertThat(r.available().micros()).as("available after charge").isEqualTo(a.available());
            List<Long> lineValues = new ArrayList<>();
            if (u.promptTokens() > 0) {
                lineValues.add(-prompt);
            }
            if (u.outputTokens() > 0) {
                lineValues.add(-completion);
            }
            assertThat(r.entries())
                    .extracting(e -> e.tokenValue().micros())
                    .as("one entry per charged line")
                    .containsExactlyElementsOf(lineValues);
            for (int i = 0; i < r.entries().size(); i++) {
                LedgerEntry e = r.entries().get(i);
                assertThat(e.id()).isEqualTo(r.operationId() + "#" + e.seq());
            }
            if (req.idempotencyKey() != null) {
                assertThat(r.operationId()).isEqualTo(req.idempotencyKey());
            }
            if (key != null) {
                a.operations.put(key, new Recorded("charge", req, r));
            }
            if (holdId != null) {
                a.settledBy.put(holdId, new Recorded("charge", req.withIdempotencyKey(null), r));
            }
            accounts.putIfAbsent(user, a);
        }

        void release(String user, String holdId) {
            Account a = accounts.get(user);
            HoldStatus status = a == null ? HoldStatus.UNKNOWN : a.status(holdId);
            if (status == HoldStatus.UNKNOWN) {
                assertRejected(user, () -> ledger.release(user, holdId), unknownHold(user, holdId));
                return;
            }
            Receipt r;
            if (status == HoldStatus.ACTIVE) {
                a.holds.remove(holdId);
                a.closed.put(holdId, HoldStatus.RELEASED);
                r = ledger.release(user, holdId).block();
                assertThat(r.replay()).isFalse();
            } else {
                r = assertReplay(user, () -> ledger.release(user, holdId));
            }
            assertThat(r.entries()).isEmpty();
            assertThat(r.balance().micros()).isEqualTo(a.balance);
            assertThat(r.available().micros()).isEqualTo(a.available());
        }

        void extend(String user, String holdId) {
            Account a = accounts.get(user);
            HoldStatus status = a == null ? HoldStatus.UNKNOWN : a.status(holdId);
            if (status == HoldStatus.UNKNOWN) {
                assertRejected(user, () -> ledger.extendHold(user, holdId), unknownHold(user, holdId));
                return;
            }
            if (status != HoldStatus.ACTIVE) {
                assertRejected(
                        user,
                        () -> ledger.extendHold(user, holdId),
                        "holdId '" + holdId + "' of user '" + user + "' is no longer active: ");
                return;
            }
            Hold h = a.holds.get(holdId);
            Instant wanted = clock.instant().plus(TTL);
            Hold expected = wanted.isAfter(h.expiresAt())
                    ? new Hold(h.id(), h.amount(), h.tokens(), h.model(), h.createdAt(), wanted)
                    : h;
            a.holds.put(holdId, expected);

            Hold got = ledger.extendHold(user, holdId).block();

            assertThat(got).isEqualTo(expected);
        }

        void add(BalanceChange change) {
            String user = change.user();
            if (!change.amount().isPositive()) {
                assertRejected(
                        user, () -> ledger.addBalance(change), "amount must be above zero, was " + change.amount());
                return;
            }
            adminChange("add", change, change.amount().micros());
        }

        void set(BalanceChange change) {
            long difference = change.amount().micros() - accountFor(change.user()).balance;
            adminChange("set", change, difference);
        }

        private void adminChange(String kind, BalanceChange change, long value) {
            String user = change.user();
            String key = change.idempotencyKey();
            Account existing = accounts.get(user);
            Recorded first = key != null && existing != null ? existing.operations.get(key) : null;
            Supplier<Mono<Receipt>> call =
                    () -> kind.equals("add") ? ledger.addBalance(change) : ledger.setBalance(change);
            if (first != null) {
                if (first.answers(kind, change)) {
                    Receipt replay = assertReplay(user, call);
                    assertThat(replay).isEqualTo(((Receipt) first.result()).asReplay());
                } else {
                    assertRejected(user, call, keyReused(key));
                }
                return;
            }
            Account a = accountFor(user);
            a.balance += value;

            Receipt r = call.get().block();

            assertThat(r.replay()).isFalse();
            assertThat(r.balance().micros()).isEqualTo(a.balance);
            assertThat(r.available().micros()).isEqualTo(a.available());
            assertThat(r.entries()).singleElement().satisfies(e -> {
                assertThat(e.tokenType()).isEqualTo(TokenType.CREDITS);
                assertThat(e.tokenValue().micros()).isEqualTo(value);
                assertThat(e.context()).isEqualTo(kind.equals("add") ? EntryContext.ADMIN : EntryContext.ADJUSTMENT);
            });
            if (key != null) {
                a.operations.put(key, new Recorded(kind, change, r));
            }
            accounts.putIfAbsent(user, a);
        }

        private long version(String user) {
            StoredAccount s = store.load(user).block();
            return s == null ? 0 : s.version();
        }

        private void assertRejected(String user, Supplier<? extends Mono<?>> call, String messagePrefix) {
            long before = version(user);
            Mono<?> mono = call.get();
            assertThatThrownBy(mono::block)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(messagePrefix);
            assertThat(version(user)).as("a rejected operation writes nothing").isEqualTo(before);
        }

        /** A repeated keyed operation returns its first result and writes nothing: the balance cannot move. */
        private <T> T assertReplay(String user, Supplier<Mono<T>> call) {
            long versionBefore = version(user);
            Credits balanceBefore = ledger.balance(user).block().balance();
            T result = call.get().block();
            assertThat(version(user)).as("a replay writes nothing").isEqualTo(versionBefore);
            assertThat(ledger.balance(user).block().balance())
                    .as("a replay leaves the balance")
                    .isEqualTo(balanceBefore);
            return result;
        }

        void verify() {
            expireAll();
            for (int i = 0; i < userCount; i++) {
                String user = USERS[i];
                Account a = accounts.get(user);
                Optional<AccountView> view = ledger.balance(user).blockOptional();
                if (a == null) {
                    assertThat(view).as("no account for %s yet", user).isEmpty();
                    continue;
                }
                assertThat(view).as("account of %s", user).isPresent();
                AccountView v = view.get();
                assertThat(v.balance().micros()).as("balance of %s", user).isEqualTo(a.balance);
                assertThat(v.available().micros()).as("available of %s", user).isEqualTo(a.available());
                long held = 0;
                for (Hold h : v.holds()) {
                    held += h.amount().micros();
                }
                assertThat(v.available().micros())
                        .as("available = balance - active holds of %s", user)
                        .isEqualTo(v.balance().micros() - held);
                assertThat(v.holds())
                        .as("active holds of %s", user)
                        .containsExactlyInAnyOrderElementsOf(a.holds.values());
                assertThat(sumOfEntries(user))
                        .as("balance of %s = sum of its entries", user)
                        .isEqualTo(a.balance);
            }
        }

        /** Sums every entry through the ledger's own history paging, with a small page to exercise cursors. */
        private long sumOfEntries(String user) {
            long sum = 0;
            Set<String> ids = new HashSet<>();
            HistoryQuery q = HistoryQuery.all().withLimit(7);
            while (true) {
                Page<LedgerEntry> page = ledger.transactionHistory(user, q).block();
                for (LedgerEntry e : page.items()) {
                    assertThat(ids.add(e.id()))
                            .as("entry id %s of %s is unique", e.id(), user)
                            .isTrue();
                    sum = Math.addExact(sum, e.tokenValue().micros());
                }
                if (page.nextCursor() == null) {
                    return sum;
                }
                q = q.after(page.nextCursor());
            }
        }
    }
}
