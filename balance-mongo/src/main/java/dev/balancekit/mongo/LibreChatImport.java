package dev.balancekit.mongo;

import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import dev.balancekit.Credits;
import dev.balancekit.EntryContext;
import dev.balancekit.LedgerConfig;
import dev.balancekit.LedgerEntry;
import dev.balancekit.Refill;
import dev.balancekit.RefillMode;
import dev.balancekit.RefillOverride;
import dev.balancekit.RefillUnit;
import dev.balancekit.TokenType;
import dev.balancekit.pricing.Rate;
import dev.balancekit.spi.AccountState;
import dev.balancekit.spi.CasResult;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Takes users' balances over from a LibreChat database into a {@link MongoBalanceStore}: the library
 * behind {@code balance import-librechat}. LibreChat's collections are only read.
 *
 * <p>For each document of LibreChat's {@code balances} collection (in {@code _id} order, streamed,
 * so memory does not grow with the number of users) it creates the BalanceKit account of that user
 * (the user id is the hex text of LibreChat's {@code user} ObjectId):
 * <ul>
 *   <li>the balance is the exact decimal of {@code tokenCredits} rounded once to the nearest
 *       micro-credit; what rounding left out is reported per user;</li>
 *   <li>the refill period starts at LibreChat's {@code lastRefill} (the import time when it has
 *       none), so the next refill falls one interval after it, when LibreChat's would have. A user
 *       whose own refill settings ({@code autoRefillEnabled}, {@code refillIntervalValue},
 *       {@code refillIntervalUnit}, {@code refillAmount}) differ from what the config applies gets
 *       them as the account's {@linkplain RefillOverride refill override}, an {@code add} refill as
 *       LibreChat's; a user whose settings BalanceKit cannot express (an interval of 0, an unknown
 *       unit) is reported, and refilled by the config's settings;</li>
 *   <li>without history, one {@code credits} entry of context {@link EntryContext#IMPORT} holds the
 *       balance; with {@linkplain Builder#history(boolean) history}, each LibreChat transaction
 *       becomes an entry with its time, context, model, token counts and conversation, followed by
 *       one {@code import} entry that makes the entries sum to the balance. How far LibreChat's own
 *       transactions were from its balance (write-offs, float error, lost charges) is that user's
 *       drift.</li>
 * </ul>
 *
 * <p>Up to 16 users are imported at once; results are reported in order.
 *
 * <p><b>Idempotent and resumable.</b> A user who already has a BalanceKit account is skipped, so a
 * second run imports nothing twice and an interrupted run continues with the first user it had not
 * finished. A user's entries are written first and the account last, in one compare-and-set that
 * fails if the account appeared meanwhile; entries an interrupted run left without an account are
 * removed before the user is imported again.
 */
public final class LibreChatImport {

    /** The prefix of the ids of imported entries. */
    static final String ID_PREFIX = "librechat:";

    private static final int ENTRY_BATCH = 500;
    /** Users imported at once; results still come out in order. */
    private static final int CONCURRENCY = 16;

    private static final BsonDocument BY_ID = new BsonDocument("_id", new BsonInt32(1));
    private static final BsonDocument BY_TIME =
            new BsonDocument("createdAt", new BsonInt32(1)).append("_id", new BsonInt32(1));

    private final MongoCollection<BsonDocument> balances;
    private final MongoCollection<BsonDocument> transactions;
    private final MongoBalanceStore store;
    private final LedgerConfig config;
    private final boolean history;
    private final boolean dryRun;
    private final Clock clock;

    private LibreChatImport(Builder b) {
        this.balances = b.source.getCollection(b.balancesCollection, BsonDocument.class);
        this.transactions = b.source.getCollection(b.transactionsCollection, BsonDocument.class);
        this.store = b.store;
        this.config = b.config;
        this.history = b.history;
        this.dryRun = b.dryRun;
        this.clock = b.clock;
    }

    /**
     * Starts an import.
     *
     * @param source the LibreChat database (the store's own, or another)
     * @param store the store to create the accounts in
     * @return a builder: balances only, writing, the default config's refill
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(MongoDatabase source, MongoBalanceStore store) {
        return new Builder(Objects.requireNonNull(source, "source"), Objects.requireNonNull(store, "store"));
    }

    /** What became of one LibreChat user. */
    public enum Status {
        /** The account was created. */
        IMPORTED,
        /** A dry run: the account would have been created. */
        WOULD_IMPORT,
        /** The user has a BalanceKit account already (imported before, or created by use); nothing was written. */
        EXISTS,
        /** The user's documents could not be read as LibreChat's; nothing was written. */
        FAILED
    }

    /**
     * One LibreChat user's import.
     *
     * @param user the user id (the hex text of LibreChat's {@code user} ObjectId), or the balance
     *     document's {@code _id} when it has no usable user
     * @param status what happened
     * @param libreChatBalance {@code tokenCredits} as an exact decimal, null when it failed
     * @param balance the BalanceKit balance, zero when it failed
     * @param rounding what rounding to micro-credits left out ({@code libreChatBalance - balance})
     * @param transactions the LibreChat transactions imported as entries (0 without history)
     * @param drift {@code tokenCredits} minus the sum of LibreChat's transactions' {@code tokenValue},
     *     null without history
     * @param refillOverride the user's own refill settings, given to the account because they
     *     differ from the config's, or null when the config's are the user's
     * @param refillNotCarried why the user's own refill settings could not be carried over (BalanceKit
     *     refills the user by the config's), or null when they were
     * @param problem why it failed, or null
     */
    public record UserResult(
            String user,
            Status status,
            @Nullable BigDecimal libreChatBalance,
            Credits balance,
            BigDecimal rounding,
            long transactions,
            @Nullable BigDecimal drift,
            @Nullable RefillOverride refillOverride,
            @Nullable String refillNotCarried,
            @Nullable String problem) {

        /** @return whether rounding changed the balance */
        public boolean rounded() {
            return rounding.signum() != 0;
        }

        /** @return whether LibreChat's transactions do not sum to its balance */
        public boolean drifted() {
            return drift != null && drift.signum() != 0;
        }
    }

    /**
     * The whole run, as the reconciliation report prints it.
     *
     * @param users LibreChat balance documents read
     * @param imported accounts created (or, in a dry run, that would be)
     * @param existing users skipped because they have an account already
     * @param failed users that could not be read
     * @param libreChatTotal the sum of the imported users' {@code tokenCredits}, exact
     * @param balanceKitTotal the sum of their BalanceKit balances
     * @param largestRounding the rounding of largest size, zero when none
     * @param largestRoundingUser its user, or null
     * @param rounded users whose balance rounding changed
     * @param drifted users whose LibreChat transactions do not sum to their balance (with history)
     * @param refillOverrides users given their own refill settings, which differ from the config's
     * @param refillNotCarried users whose own refill settings could not be carried over
     * @param dryRun whether nothing was written
     */
    public record Report(
            long users,
            long imported,
            long existing,
            long failed,
            BigDecimal libreChatTotal,
            Credits balanceKitTotal,
            BigDecimal largestRounding,
            @Nullable String largestRoundingUser,
            long rounded,
            long drifted,
            long refillOverrides,
            long refillNotCarried,
            boolean dryRun) {}

    /**
     * Runs the import.
     *
     * @param perUser called with each user's result as it is done, in order (for progress and
     *     per-user report lines); nothing is kept per user
     * @return the report; fails with {@link ForeignDocumentException} if the store's collections are
     *     not its own, and with a {@link dev.balancekit.StoreException} if the database fails (a run
     *     started again continues where this one stopped)
     */
    public Mono<Report> run(Consumer<UserResult> perUser) {
        Objects.requireNonNull(perUser, "perUser");
        Mono<Void> ready = dryRun ? Mono.empty() : store.verifyCollections();
        return ready.then(Flux.defer(() -> balances.find().sort(BY_ID).batchSize(1000))
                        .flatMapSequential(this::importOne, CONCURRENCY)
                        .doOnNext(perUser)
                        .reduce(new Tally(dryRun), Tally::add)
                        .map(Tally::report))
                .onErrorMap(MongoErrors.toStoreException("import from LibreChat"));
    }

    private Mono<UserResult> importOne(BsonDocument doc) {
        String user = MongoUserDirectory.idText(doc.get("user"));
        if (user == null) {
            return Mono.just(failed(
                    String.valueOf(doc.get("_id")),
                    "field 'user' must be an ObjectId, was " + describe(doc.get("user"))));
        }
        BigDecimal tokenCredits;
        Credits balance;
        try {
            tokenCredits = LibreChatNumbers.decimal("tokenCredits", doc.get("tokenCredits"));
            if (tokenCredits == null) {
                tokenCredits = BigDecimal.ZERO;
            }
            balance = LibreChatNumbers.credits("tokenCredits", tokenCredits);
        } catch (IllegalArgumentException | ArithmeticException e) {
            return Mono.just(failed(user, e.getMessage()));
        }
        BigDecimal exact = tokenCredits;
        RefillMatch refill = matchRefill(doc);
        Instant now = clock.instant();
        Instant lastRefill = doc.get("lastRefill") != null
                        && doc.get("lastRefill").isDateTime()
                ? Instant.ofEpochMilli(doc.get("lastRefill").asDateTime().getValue())
                : null;
        return store.load(user).hasElement().flatMap(exists -> {
            if (exists) {
                return Mono.just(new UserResult(
                        user,
                        Status.EXISTS,
                        exact,
                        balance,
                        LibreChatNumbers.rounding(exact),
                        0,
                        null,
                        refill.override(),
                        refill.notCarried(),
                        null));
            }
            return entries(user, doc, balance, exact, now)
                    .flatMap(h -> {
                        BigDecimal drift =
                                history ? exact.subtract(h.libreChatSum()).stripTrailingZeros() : null;
                        UserResult result = new UserResult(
                                user,
                                dryRun ? Status.WOULD_IMPORT : Status.IMPORTED,
                                exact,
                                balance,
                                LibreChatNumbers.rounding(exact),
                                h.transactions(),
                                drift,
                                refill.override(),
                                refill.notCarried(),
                                null);
                        if (dryRun) {
                            return Mono.just(result);
                        }
                        AccountState state = new AccountState(
                                user,
                                balance,
                                true,
                                List.of(),
                                0,
                                List.of(),
                                List.of(),
                                h.lastSeq(),
                                h.lastAt(),
                                h.tokens(),
                                now,
                                null,
                                lastRefill != null ? lastRefill : now,
                                0,
                                lastRefill,
                                List.of(),
                                refill.override());
                        return store.compareAndSet(user, 0, state, List.of())
                                .map(cas -> cas == CasResult.APPLIED
                                        ? result
                                        : new UserResult(
                                                user,
                                                Status.EXISTS,
                                                exact,
                                                balance,
                                                result.rounding(),
                                                0,
                                                null,
                                                refill.override(),
                                                refill.notCarried(),
                                                null));
                    })
                    .onErrorResume(
                            e -> e instanceof IllegalArgumentException || e instanceof ArithmeticException,
                            e -> Mono.just(failed(user, e.getMessage())));
        });
    }

    /**
     * Writes (or, in a dry run, only reads) a user's entries, in batches: with history, the LibreChat
     * transactions followed by the reconciling entry; without, one entry holding the balance. First
     * removes what an interrupted run left of the user.
     */
    private Mono<History> entries(
            String user, BsonDocument balanceDoc, Credits balance, BigDecimal exact, Instant now) {
        // only a history can leave entries of other ids behind; the balance entry's id is always the same
        Mono<Void> clean = dryRun || !history ? Mono.empty() : store.removeEntries(user);
        HistoryBuilder h = new HistoryBuilder(user);
        Flux<BsonDocument> txs = history
                ? Flux.defer(() -> transactions
                        .find(new BsonDocument("user", balanceDoc.get("user")))
                        .sort(BY_TIME)
                        .batchSize(ENTRY_BATCH))
                : Flux.empty();
        return clean.thenMany(txs)
                .map(h::entry)
                .buffer(ENTRY_BATCH)
                .concatMap(batch -> dryRun ? Mono.<Void>empty() : store.putEntries(batch))
                .then(Mono.defer(() -> {
                    LedgerEntry last = history
                            ? h.credits(
                                    ID_PREFIX + "reconcile",
                                    balance.minus(h.sum),
                                    now,
                                    "reconciles the imported LibreChat history with its balance")
                            : h.credits(
                                    ID_PREFIX + "balance", balance, now, "LibreChat balance " + exact.toPlainString());
                    Mono<Void> write = dryRun ? Mono.empty() : store.putEntries(List.of(last));
                    return write.thenReturn(new History(h.count, h.libreChatSum, h.seq, h.lastAt, h.tokens));
                }));
    }

    /** What a user's imported entries add up to. */
    private record History(long transactions, BigDecimal libreChatSum, long lastSeq, Instant lastAt, long tokens) {}

    /** Numbers a user's entries and keeps their running sums; one per user, for one pass. */
    private static final class HistoryBuilder {
        final String user;
        long seq;
        long count;
        long tokens;
        Credits sum = Credits.ZERO;
        BigDecimal libreChatSum = BigDecimal.ZERO;
        Instant lastAt = Instant.EPOCH;

        HistoryBuilder(String user) {
            this.user = user;
        }

        LedgerEntry entry(BsonDocument tx) {
            BigDecimal value = LibreChatNumbers.decimal("tokenValue", tx.get("tokenValue"));
            value = value == null ? BigDecimal.ZERO : value;
            String type = text(tx, "tokenType");
            TokenType tokenType = type == null ? TokenType.CREDITS : TokenType.fromWireName(type);
            Credits tokenValue = LibreChatNumbers.credits("tokenValue", value);
            BigDecimal raw = LibreChatNumbers.decimal("rawAmount", tx.get("rawAmount"));
            BigDecimal rate = LibreChatNumbers.decimal("rate", tx.get("rate"));
            long rawAmount = tokenType == TokenType.CREDITS
                    ? tokenValue.micros()
                    : raw == null ? 0 : LibreChatNumbers.tokens(raw);
            Rate r = tokenType == TokenType.CREDITS
                    ? Rate.ofNanos(Rate.NANOS_PER_CREDIT)
                    : rate == null ? Rate.ZERO : LibreChatNumbers.rate(rate);
            Instant at = tx.get("createdAt") != null && tx.get("createdAt").isDateTime()
                    ? Instant.ofEpochMilli(tx.get("createdAt").asDateTime().getValue())
                    : lastAt;
            seq++;
            count++;
            sum = sum.plus(tokenValue);
            libreChatSum = libreChatSum.add(value);
            lastAt = at;
            if (tokenType != TokenType.CREDITS) {
                tokens = Math.addExact(tokens, Math.abs(rawAmount));
            }
            String context = text(tx, "context");
            return LedgerEntry.builder()
                    .id(ID_PREFIX + MongoUserDirectory.idText(tx.get("_id")) + "#" + seq)
                    .seq(seq)
                    .user(user)
                    .tokenType(tokenType)
                    .rawAmount(rawAmount)
                    .rate(r)
                    .tokenValue(tokenValue)
                    .context(context == null ? EntryContext.MESSAGE : context)
                    .model(text(tx, "model"))
                    .valueKey(text(tx, "valueKey"))
                    .conversationId(text(tx, "conversationId"))
                    .balance(sum)
                    .createdAt(at)
                    .promptTokens(count(tx, "inputTokens"), count(tx, "writeTokens"), count(tx, "readTokens"))
                    .note(text(tx, "messageId"))
                    .build();
        }

        LedgerEntry credits(String id, Credits value, Instant now, String note) {
            seq++;
            sum = sum.plus(value);
            Instant at = now.isBefore(lastAt) ? lastAt : now;
            lastAt = at;
            return LedgerEntry.builder()
                    .id(id + "#" + seq)
                    .seq(seq)
                    .user(user)
                    .credits(value)
                    .context(EntryContext.IMPORT)
                    .balance(sum)
                    .createdAt(at)
                    .note(note)
                    .build();
        }
    }

    private static long count(BsonDocument tx, String field) {
        BigDecimal v = LibreChatNumbers.decimal(field, tx.get(field));
        // LibreChat stores spent cache tokens as negative counts; an entry counts them
        return v == null ? 0 : Math.abs(LibreChatNumbers.tokens(v));
    }

    private static @Nullable String text(BsonDocument d, String field) {
        BsonValue v = d.get(field);
        return v != null && v.isString() ? v.asString().getValue() : null;
    }

    /**
     * Compares a user's own LibreChat refill settings with what the config applies to an account
     * without a tier: the same needs nothing; different ones become the account's override.
     */
    private RefillMatch matchRefill(BsonDocument doc) {
        BsonValue flag = doc.get("autoRefillEnabled");
        boolean enabled = flag != null && flag.isBoolean() && flag.asBoolean().getValue();
        Refill own;
        try {
            own = ownRefill(doc);
        } catch (IllegalArgumentException | ArithmeticException e) {
            if (enabled) {
                return new RefillMatch(null, e.getMessage());
            }
            // a user LibreChat does not refill keeps no refill; settings it never uses may be anything
            own = null;
        }
        if (Objects.equals(enabled ? own : null, config.refillFor(null))) {
            return new RefillMatch(null, null);
        }
        return new RefillMatch(new RefillOverride(enabled, own), null);
    }

    /** How a user's own refill settings are carried over: by the config, by an override, or not. */
    private record RefillMatch(
            @Nullable RefillOverride override, @Nullable String notCarried) {}

    /**
     * A balance document's own refill settings as LibreChat applies them (adding the amount), or
     * null when it has none.
     *
     * @throws IllegalArgumentException if they cannot be a refill (an interval of 0, an unknown unit)
     */
    private static @Nullable Refill ownRefill(BsonDocument doc) {
        BigDecimal interval = LibreChatNumbers.decimal("refillIntervalValue", doc.get("refillIntervalValue"));
        BigDecimal amount = LibreChatNumbers.decimal("refillAmount", doc.get("refillAmount"));
        String unit = text(doc, "refillIntervalUnit");
        if (interval == null && amount == null && unit == null) {
            return null;
        }
        if (interval == null || amount == null || unit == null) {
            throw new IllegalArgumentException("refill settings are incomplete");
        }
        return new Refill(
                RefillMode.ADD,
                interval.longValueExact(),
                RefillUnit.fromConfigName(unit),
                LibreChatNumbers.credits("refillAmount", amount));
    }

    private static UserResult failed(String user, @Nullable String problem) {
        return new UserResult(user, Status.FAILED, null, Credits.ZERO, BigDecimal.ZERO, 0, null, null, null, problem);
    }

    private static String describe(@Nullable BsonValue v) {
        return v == null ? "missing" : v.getBsonType().name().toLowerCase(Locale.ROOT);
    }

    /** Sums the results as they stream by: constant memory. */
    private static final class Tally {
        final boolean dryRun;
        long users;
        long imported;
        long existing;
        long failed;
        BigDecimal libreChatTotal = BigDecimal.ZERO;
        Credits total = Credits.ZERO;
        BigDecimal largest = BigDecimal.ZERO;

        @Nullable
        String largestUser;

        long rounded;
        long drifted;
        long refillOverrides;
        long refillNotCarried;

        Tally(boolean dryRun) {
            this.dryRun = dryRun;
        }

        Tally add(UserResult r) {
            users++;
            switch (r.status()) {
                case IMPORTED, WOULD_IMPORT -> {
                    imported++;
                    libreChatTotal = libreChatTotal.add(Objects.requireNonNull(r.libreChatBalance()));
                    total = total.plus(r.balance());
                    if (r.rounded()) {
                        rounded++;
                        if (r.rounding().abs().compareTo(largest.abs()) > 0) {
                            largest = r.rounding();
                            largestUser = r.user();
                        }
                    }
                    if (r.drifted()) {
                        drifted++;
                    }
                    if (r.refillOverride() != null) {
                        refillOverrides++;
                    }
                    if (r.refillNotCarried() != null) {
                        refillNotCarried++;
                    }
                }
                case EXISTS -> existing++;
                case FAILED -> failed++;
            }
            return this;
        }

        Report report() {
            return new Report(
                    users,
                    imported,
                    existing,
                    failed,
                    libreChatTotal.stripTrailingZeros(),
                    total,
                    largest,
                    largestUser,
                    rounded,
                    drifted,
                    refillOverrides,
                    refillNotCarried,
                    dryRun);
        }
    }

    /** Configures a {@link LibreChatImport}. */
    public static final class Builder {
        private final MongoDatabase source;
        private final MongoBalanceStore store;
        private String balancesCollection = "balances";
        private String transactionsCollection = "transactions";
        private LedgerConfig config = LedgerConfig.defaults();
        private boolean history;
        private boolean dryRun;
        private Clock clock = Clock.systemUTC();

        private Builder(MongoDatabase source, MongoBalanceStore store) {
            this.source = source;
            this.store = store;
        }

        /**
         * Sets the config whose refill the users' own settings are compared with: a user whose
         * settings differ gets them as the account's refill override.
         *
         * @param config the ledger's config
         * @return this builder
         */
        public Builder config(LedgerConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Also imports each user's transactions, followed by a reconciling entry. Off by default.
         *
         * @param history whether to import the history
         * @return this builder
         */
        public Builder history(boolean history) {
            this.history = history;
            return this;
        }

        /**
         * Reads and reports without writing anything. Off by default.
         *
         * @param dryRun whether to write nothing
         * @return this builder
         */
        public Builder dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        /**
         * Sets the clock of the import time (accounts' creation, the entries without history).
         *
         * @param clock the clock, the system UTC clock by default
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the names of LibreChat's collections, {@code balances} and {@code transactions} by default.
         *
         * @param balances LibreChat's balances collection
         * @param transactions LibreChat's transactions collection
         * @return this builder
         * @throws IllegalArgumentException if a name is blank
         */
        public Builder libreChatCollections(String balances, String transactions) {
            if (balances == null || balances.isBlank() || transactions == null || transactions.isBlank()) {
                throw new IllegalArgumentException(
                        "libreChatCollections must not be blank, was '" + balances + "' and '" + transactions + "'");
            }
            this.balancesCollection = balances;
            this.transactionsCollection = transactions;
            return this;
        }

        /**
         * Builds the import; nothing runs before {@link LibreChatImport#run(Consumer)} is subscribed to.
         *
         * @return the import
         */
        public LibreChatImport build() {
            return new LibreChatImport(this);
        }
    }
}
