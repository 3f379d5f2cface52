package dev.balancekit.mongo;

import com.mongodb.reactivestreams.client.MongoCollection;
import dev.balancekit.Credits;
import dev.balancekit.LedgerEntry;
import dev.balancekit.UsageAmounts;
import dev.balancekit.UsageDimension;
import dev.balancekit.UsageGroup;
import dev.balancekit.UsageQuery;
import dev.balancekit.spi.UsageTally;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A usage report on the server: one aggregation over the transactions collection that matches and
 * groups, plus the entries still pending in account documents, each entry counted once.
 *
 * <p><b>Exactly once.</b> The pending entries are read first, then the aggregation runs with them
 * excluded: per account, the range of their sequence numbers (or the numbers, when they have a
 * gap), behind a test on {@code createdAt} that lets every document older than the oldest pending
 * entry pass at once. An entry only ever moves from {@code pending} to {@code transactions}, so each
 * entry that exists when the pending read passes its account is either among the pending entries
 * read (and excluded from the aggregation, even if it was copied meanwhile) or already in
 * {@code transactions} (and no longer pending): counted once either way, as {@code history()} merges
 * the two. The exclusion has one clause per account with pending entries; {@code flushPending()}
 * keeps that short and the pending entries recent.
 *
 * <p><b>Stages and operators.</b> Only {@code $match} (with {@code $in}, {@code $or}, {@code $nor}) and
 * {@code $group}, with the expression
 * operators {@code $cond}, {@code $eq}, {@code $lt}, {@code $abs}, {@code $add}, {@code $subtract},
 * {@code $mod}, {@code $multiply}, {@code $toLong}, {@code $toDate}, {@code $year}, {@code $month}
 * and the accumulator {@code $sum}: what the in-process test server (mongo-java-server) has, and
 * MongoDB 4.0 and later. {@code $dateTrunc} and {@code $dateToString} with a time zone are not used:
 * the zone's offset is a tree of {@code $cond} on the transitions of its rules in the query's range,
 * the local day and ISO week are whole-day arithmetic on local milliseconds, and the month is the
 * {@code $year} and {@code $month} of the local time.
 *
 * <p>Sums are Int64; a sum the server could not hold as an integer (it turns to a double on
 * overflow) is refused, never rounded.
 */
final class UsageAggregation {
    private static final long DAY = 86_400_000L;
    private static final long WEEK = 7 * DAY;
    /** Epoch day 0 was a Thursday: three days after a Monday. */
    private static final long MONDAY_SHIFT = 3 * DAY;
    /** Where the zone's rules are read when the query has no bound. */
    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");

    private static final Instant LATEST = Instant.parse("2100-01-01T00:00:00Z");
    /** Users whose tier is read per query. */
    private static final int TIER_BATCH = 1_000;

    private static final String G_USER = "u";
    private static final String G_MODEL = "m";
    private static final String G_PRICE_KEY = "k";
    private static final String G_CONTEXT = "c";
    private static final String G_PERIOD = "p";
    private static final String SPENT = "spent";
    private static final String CREDITED = "credited";
    private static final String PROMPT = "prompt";
    private static final String COMPLETION = "completion";
    private static final String ENTRIES = "entries";

    private final MongoCollection<BsonDocument> balances;
    private final MongoCollection<BsonDocument> transactions;

    UsageAggregation(MongoCollection<BsonDocument> balances, MongoCollection<BsonDocument> transactions) {
        this.balances = balances;
        this.transactions = transactions;
    }

    Flux<UsageGroup> usage(UsageQuery query, ZoneId zone) {
        return Flux.defer(() -> {
            UsageTally tally = new UsageTally(query, zone);
            List<LedgerEntry> pending = new ArrayList<>();
            return pending(query, tally, pending)
                    .thenMany(Flux.defer(() -> copied(query, zone, pending)))
                    .collectList()
                    .flatMap(groups -> withTiers(query, groups))
                    .map(groups -> {
                        for (UsageGroup g : groups) {
                            tally.add(g);
                        }
                        return tally.groups();
                    })
                    .flatMapIterable(groups -> groups);
        });
    }

    /** Adds the matching pending entries to the tally and to the list. */
    private Mono<Void> pending(UsageQuery query, UsageTally tally, List<LedgerEntry> counted) {
        BsonDocument filter = BsonMapping.hasPending();
        if (!query.users().isEmpty()) {
            filter.put("_id", new BsonDocument("$in", strings(query.users())));
        }
        BsonDocument projection =
                new BsonDocument(BsonMapping.PENDING, new BsonInt32(1)).append(BsonMapping.TIER, new BsonInt32(1));
        return Flux.defer(() -> balances.find(filter).projection(projection))
                .collectList()
                .retryWhen(MongoErrors.idempotentRetry())
                .doOnNext(docs -> {
                    for (BsonDocument doc : docs) {
                        String tier = BsonMapping.optionalText(doc, BsonMapping.TIER);
                        String user = BsonMapping.text(doc, "_id");
                        for (BsonBinary raw : BsonMapping.pending(doc)) {
                            LedgerEntry e = BsonMapping.pendingEntry(raw, user);
                            if (tally.add(e, tier)) {
                                counted.add(e);
                            }
                        }
                    }
                })
                .then();
    }

    /** The server's groups of the copied entries, without the pending ones. */
    private Flux<UsageGroup> copied(UsageQuery query, ZoneId zone, List<LedgerEntry> pending) {
        BsonDocument match = match(query);
        if (!pending.isEmpty()) {
            BsonArray and = match.containsKey("$and") ? match.getArray("$and") : new BsonArray();
            and.add(notAmong(pending));
            match.put("$and", and);
        }
        // With tiers, group by user as well: entries do not carry a tier; accounts do.
        boolean byUser = query.groupsBy(UsageDimension.USER) || query.groupsBy(UsageDimension.TIER);
        BsonDocument id = new BsonDocument();
        if (byUser) {
            id.put(G_USER, field(BsonMapping.USER));
        }
        if (query.groupsBy(UsageDimension.MODEL)) {
            id.put(G_MODEL, field(BsonMapping.MODEL));
        }
        if (query.groupsBy(UsageDimension.PRICE_KEY)) {
            id.put(G_PRICE_KEY, field(BsonMapping.VALUE_KEY));
        }
        if (query.groupsBy(UsageDimension.CONTEXT)) {
            id.put(G_CONTEXT, field(BsonMapping.CONTEXT));
        }
        UsageDimension period = query.period();
        if (period != null) {
            id.put(G_PERIOD, periodExpression(period, zone, query.since(), query.until()));
        }
        BsonValue isCredits = op("$eq", field(BsonMapping.TOKEN_TYPE), new BsonString("credits"));
        BsonValue zero = new BsonInt64(0);
        BsonDocument group = new BsonDocument("_id", id)
                .append(SPENT, sum(cond(isCredits, zero, field(BsonMapping.TOKEN_VALUE))))
                .append(CREDITED, sum(cond(isCredits, field(BsonMapping.TOKEN_VALUE), zero)))
                .append(
                        PROMPT,
                        sum(cond(
                                op("$eq", field(BsonMapping.TOKEN_TYPE), new BsonString("prompt")),
                                new BsonDocument("$abs", field(BsonMapping.RAW_AMOUNT)),
                                zero)))
                .append(
                        COMPLETION,
                        sum(cond(
                                op("$eq", field(BsonMapping.TOKEN_TYPE), new BsonString("completion")),
                                new BsonDocument("$abs", field(BsonMapping.RAW_AMOUNT)),
                                zero)))
                .append(ENTRIES, sum(new BsonInt64(1)));
        List<BsonDocument> pipeline = List.of(new BsonDocument("$match", match), new BsonDocument("$group", group));
        return Flux.defer(() -> transactions.aggregate(pipeline).allowDiskUse(true))
                .collectList()
                .retryWhen(MongoErrors.idempotentRetry())
                .flatMapIterable(docs -> docs)
                .map(doc -> group(doc, period));
    }

    /** {@code $match} for the query's filters; bounds finer than a millisecond use the companion field. */
    static BsonDocument match(UsageQuery query) {
        BsonDocument match = new BsonDocument();
        List<BsonValue> and = new ArrayList<>();
        if (!query.users().isEmpty()) {
            match.put(BsonMapping.USER, new BsonDocument("$in", strings(query.users())));
        }
        if (!query.models().isEmpty()) {
            match.put(BsonMapping.MODEL, new BsonDocument("$in", strings(query.models())));
        }
        if (!query.contexts().isEmpty()) {
            match.put(BsonMapping.CONTEXT, new BsonDocument("$in", strings(query.contexts())));
        }
        Instant since = query.since();
        if (since != null) {
            and.add(bound(since, "$gt", "$gte"));
        }
        Instant until = query.until();
        if (until != null) {
            and.add(bound(until, "$lt", "$lt"));
        }
        if (!and.isEmpty()) {
            match.put("$and", new BsonArray(and));
        }
        return match;
    }

    /**
     * A filter that excludes the given entries: per account, the range of their sequence numbers
     * (every number of the range, when they have no gap) or the numbers themselves; and first, as a
     * cheap test that settles most documents, anything older than the oldest of them.
     */
    static BsonDocument notAmong(List<LedgerEntry> entries) {
        Map<String, List<Long>> seqs = new TreeMap<>();
        long oldest = Long.MAX_VALUE;
        for (LedgerEntry e : entries) {
            seqs.computeIfAbsent(e.user(), u -> new ArrayList<>()).add(e.seq());
            oldest = Math.min(oldest, e.createdAt().toEpochMilli());
        }
        BsonArray accounts = new BsonArray();
        seqs.forEach((user, list) -> {
            list.sort(null);
            long lo = list.get(0);
            long hi = list.get(list.size() - 1);
            BsonDocument seq;
            if (hi - lo + 1 == list.size()) {
                seq = new BsonDocument("$gte", new BsonInt64(lo)).append("$lte", new BsonInt64(hi));
            } else {
                BsonArray each = new BsonArray();
                list.forEach(n -> each.add(new BsonInt64(n)));
                seq = new BsonDocument("$in", each);
            }
            accounts.add(new BsonDocument(BsonMapping.USER, new BsonString(user)).append(BsonMapping.SEQ, seq));
        });
        return new BsonDocument(
                "$or",
                new BsonArray(List.of(
                        new BsonDocument(BsonMapping.CREATED_AT, new BsonDocument("$lt", new BsonDateTime(oldest))),
                        new BsonDocument("$nor", accounts))));
    }

    /**
     * {@code createdAt} against a bound: {@code {createdAt: {<whole>: t}}} for a whole millisecond,
     * otherwise strictly beyond the millisecond, or at it with the nanoseconds compared too (a
     * missing companion field is zero).
     */
    private static BsonDocument bound(Instant t, String strict, String whole) {
        BsonDateTime millis = new BsonDateTime(t.toEpochMilli());
        int sub = t.getNano() % 1_000_000;
        if (sub == 0) {
            return new BsonDocument(BsonMapping.CREATED_AT, new BsonDocument(whole, millis));
        }
        String nanos = BsonMapping.CREATED_AT + BsonMapping.NANOS;
        BsonDocument sameMillis = new BsonDocument(BsonMapping.CREATED_AT, millis)
                .append(
                        nanos,
                        "$gt".equals(strict)
                                ? new BsonDocument("$gte", new BsonInt32(sub))
                                : new BsonDocument("$not", new BsonDocument("$gte", new BsonInt32(sub))));
        return new BsonDocument(
                "$or",
                new BsonArray(List.of(
                        new BsonDocument(BsonMapping.CREATED_AT, new BsonDocument(strict, millis)), sameMillis)));
    }

    /**
     * The period of {@code createdAt} as a number: for days and weeks the local midnight that starts
     * it, in milliseconds since the local epoch; for months {@code year * 12 + month - 1}.
     */
    static BsonValue periodExpression(
            UsageDimension period, ZoneId zone, @Nullable Instant since, @Nullable Instant until) {
        BsonValue local = op(
                "$add",
                new BsonDocument("$toLong", field(BsonMapping.CREATED_AT)),
                offsetExpression(zone, since == null ? EARLIEST : since, until == null ? LATEST : until));
        // $toLong: mongo-java-server computes $mod in doubles; the values stay far below 2^53, so exact
        return new BsonDocument(
                "$toLong",
                switch (period) {
                    case DAY -> op("$subtract", local, floorMod(local, DAY, 0));
                    case WEEK -> op("$subtract", local, floorMod(local, WEEK, MONDAY_SHIFT));
                    case MONTH -> {
                        BsonValue date = new BsonDocument("$toDate", local);
                        yield op(
                                "$add",
                                op("$multiply", new BsonDocument("$year", date), new BsonInt64(12)),
                                op("$subtract", new BsonDocument("$month", date), new BsonInt64(1)));
                    }
                    default ->
                        throw new IllegalArgumentException("period must be day, week or month, was " + period.label());
                });
    }

    /** {@code (x + shift) mod m}, never negative. */
    private static BsonValue floorMod(BsonValue x, long m, long shift) {
        BsonValue shifted = shift == 0 ? x : op("$add", x, new BsonInt64(shift));
        return op("$mod", op("$add", op("$mod", shifted, new BsonInt64(m)), new BsonInt64(m)), new BsonInt64(m));
    }

    /**
     * The zone's offset at {@code createdAt} in milliseconds: a balanced tree of {@code $cond} over
     * the zone's transitions between the bounds, so a document takes a few comparisons.
     */
    static BsonValue offsetExpression(ZoneId zone, Instant from, Instant to) {
        ZoneRules rules = zone.getRules();
        List<Instant> at = new ArrayList<>();
        List<ZoneOffset> offsets = new ArrayList<>();
        offsets.add(rules.getOffset(from));
        ZoneOffsetTransition t = rules.nextTransition(from);
        while (t != null && t.getInstant().isBefore(to)) {
            at.add(t.getInstant());
            offsets.add(t.getOffsetAfter());
            t = rules.nextTransition(t.getInstant());
        }
        return offsetTree(at, offsets, 0, offsets.size() - 1);
    }

    private static BsonValue offsetTree(List<Instant> at, List<ZoneOffset> offsets, int lo, int hi) {
        if (lo == hi) {
            return new BsonInt64(offsets.get(lo).getTotalSeconds() * 1000L);
        }
        int mid = (lo + hi + 1) >>> 1; // offsets.get(mid) applies from at.get(mid - 1) on
        return cond(
                op(
                        "$lt",
                        field(BsonMapping.CREATED_AT),
                        new BsonDateTime(at.get(mid - 1).toEpochMilli())),
                offsetTree(at, offsets, lo, mid - 1),
                offsetTree(at, offsets, mid, hi));
    }

    /** A server group as a {@link UsageGroup}, tier not yet known. */
    private static UsageGroup group(BsonDocument doc, @Nullable UsageDimension period) {
        BsonDocument id = doc.getDocument("_id");
        LocalDate start = null;
        if (period != null) {
            long p = BsonMapping.int64(id, G_PERIOD);
            start = period == UsageDimension.MONTH
                    ? YearMonth.of((int) Math.floorDiv(p, 12), Math.floorMod(p, 12) + 1)
                            .atDay(1)
                    : LocalDate.ofEpochDay(Math.floorDiv(p, DAY));
        }
        UsageAmounts amounts = new UsageAmounts(
                Credits.ofMicros(Math.negateExact(BsonMapping.int64(doc, SPENT))),
                Credits.ofMicros(BsonMapping.int64(doc, CREDITED)),
                BsonMapping.int64(doc, PROMPT),
                BsonMapping.int64(doc, COMPLETION),
                BsonMapping.int64(doc, ENTRIES));
        return new UsageGroup(
                BsonMapping.optionalText(id, G_USER),
                BsonMapping.optionalText(id, G_MODEL),
                BsonMapping.optionalText(id, G_PRICE_KEY),
                BsonMapping.optionalText(id, G_CONTEXT),
                null,
                start,
                amounts);
    }

    /** With tiers: the stored tier of each group's user, read from the accounts in batches. */
    private Mono<List<UsageGroup>> withTiers(UsageQuery query, List<UsageGroup> groups) {
        if (!query.groupsBy(UsageDimension.TIER) || groups.isEmpty()) {
            return Mono.just(groups);
        }
        List<String> users = groups.stream()
                .map(UsageGroup::user)
                .filter(u -> u != null)
                .distinct()
                .toList();
        return Flux.fromIterable(users)
                .buffer(TIER_BATCH)
                .concatMap(batch -> Flux.defer(() -> balances.find(
                                        new BsonDocument("_id", new BsonDocument("$in", strings(batch))))
                                .projection(new BsonDocument(BsonMapping.TIER, new BsonInt32(1))))
                        .collectList()
                        .retryWhen(MongoErrors.idempotentRetry()))
                .collect(HashMap<String, String>::new, (tiers, docs) -> {
                    for (BsonDocument d : docs) {
                        String tier = BsonMapping.optionalText(d, BsonMapping.TIER);
                        if (tier != null) {
                            tiers.put(BsonMapping.text(d, "_id"), tier);
                        }
                    }
                })
                .map(tiers -> withTiers(groups, tiers));
    }

    private static List<UsageGroup> withTiers(List<UsageGroup> groups, Map<String, String> tiers) {
        List<UsageGroup> out = new ArrayList<>(groups.size());
        for (UsageGroup g : groups) {
            out.add(g.user() == null ? g : g.withTier(tiers.get(g.user())));
        }
        return out;
    }

    private static BsonArray strings(Collection<String> values) {
        BsonArray a = new BsonArray();
        for (String v : values) {
            a.add(new BsonString(v));
        }
        return a;
    }

    private static BsonString field(String name) {
        return new BsonString("$" + name);
    }

    private static BsonDocument op(String operator, BsonValue a, BsonValue b) {
        return new BsonDocument(operator, new BsonArray(List.of(a, b)));
    }

    private static BsonDocument cond(BsonValue test, BsonValue then, BsonValue otherwise) {
        return new BsonDocument("$cond", new BsonArray(List.of(test, then, otherwise)));
    }

    private static BsonDocument sum(BsonValue value) {
        return new BsonDocument("$sum", value);
    }
}
