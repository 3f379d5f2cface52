package dev.balancekit.report;

import dev.balancekit.BalanceLedger;
import dev.balancekit.Credits;
import dev.balancekit.UsageDimension;
import dev.balancekit.UsageGroup;
import dev.balancekit.UsageQuery;
import dev.balancekit.UsageReport;
import dev.balancekit.UserDirectory;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Assembles an {@link AdminReport} from a ledger: a few usage reports (each grouped by the store),
 * the balances of the users who spent, and their labels.
 */
public final class AdminReports {
    /** Balances and labels read at once. */
    private static final int CONCURRENCY = 16;

    private static final BigInteger SECONDS_PER_DAY =
            BigInteger.valueOf(Duration.ofDays(1).toSeconds());

    private AdminReports() {}

    /**
     * Builds a report.
     *
     * @param ledger the ledger to report on
     * @param spec period, filters, table dimensions, row count and low-balance horizon
     * @param directory labels for user ids ({@link UserDirectory#NONE} for none)
     * @param clock the time the report is made at
     * @return the report
     */
    public static Mono<AdminReport> build(BalanceLedger ledger, ReportSpec spec, UserDirectory directory, Clock clock) {
        Objects.requireNonNull(ledger, "ledger");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(clock, "clock");
        Mono<UsageReport> table = ledger.usageReport(spec.query(spec.by().toArray(UsageDimension[]::new)));
        Mono<List<UsageGroup>> daily = allGroups(
                ledger, spec.query(UsageDimension.DAY, UsageDimension.MODEL).orderBy(UsageQuery.Order.KEY));
        Mono<UsageReport> users = ledger.usageReport(spec.query(UsageDimension.USER));
        Mono<UsageReport> models = ledger.usageReport(spec.query(UsageDimension.MODEL));
        Mono<List<LowBalance>> low = spec.lowBalanceDays() == 0 ? Mono.just(List.of()) : lowBalances(ledger, spec);
        return Mono.zip(table, daily, users, models, low).flatMap(t -> {
            Set<String> shown = new LinkedHashSet<>();
            t.getT1().groups().forEach(g -> addUser(shown, g));
            t.getT3().groups().forEach(g -> addUser(shown, g));
            t.getT5().forEach(l -> shown.add(l.user()));
            return labels(directory, shown).map(labels -> {
                List<LowBalance> labelled = new ArrayList<>();
                for (LowBalance l : t.getT5()) {
                    labelled.add(new LowBalance(
                            l.user(),
                            labels.get(l.user()),
                            l.balance(),
                            l.spent(),
                            l.averageDailySpend(),
                            l.daysLeft()));
                }
                // credits moved without a model (top-ups, refills) are no model's cost
                List<UsageGroup> topModels = t.getT4().groups().stream()
                        .filter(g -> g.model() != null)
                        .toList();
                return new AdminReport(
                        spec,
                        t.getT1().zone(),
                        clock.instant(),
                        t.getT1().totals(),
                        t.getT1().groups(),
                        t.getT1().groupCount(),
                        t.getT2(),
                        t.getT3().groups(),
                        topModels,
                        labelled,
                        labels);
            });
        });
    }

    private static void addUser(Set<String> users, UsageGroup g) {
        if (g.user() != null) {
            users.add(g.user());
        }
    }

    /** Every group of a query, page after page. */
    static Mono<List<UsageGroup>> allGroups(BalanceLedger ledger, UsageQuery query) {
        UsageQuery first = query.withLimit(UsageQuery.MAX_LIMIT);
        return ledger.usageReport(first)
                .expand(r -> r.nextCursor() == null ? Mono.empty() : ledger.usageReport(first.after(r.nextCursor())))
                .concatMapIterable(UsageReport::groups)
                .collectList();
    }

    /**
     * The users who spent in the period and whose balance is below their average daily spending
     * times the horizon, fewest days left first, at most {@code top}.
     */
    static Mono<List<LowBalance>> lowBalances(BalanceLedger ledger, ReportSpec spec) {
        BigInteger periodSeconds = BigInteger.valueOf(
                        Duration.between(spec.since(), spec.until()).toSeconds())
                .max(BigInteger.ONE);
        BigInteger horizon = BigInteger.valueOf(spec.lowBalanceDays());
        return allGroups(ledger, spec.query(UsageDimension.USER))
                .flatMapMany(Flux::fromIterable)
                .filter(g -> g.user() != null && g.amounts().spent().isPositive())
                .flatMap(
                        g -> ledger.balance(userOf(g)).map(account -> {
                            BigInteger spent =
                                    BigInteger.valueOf(g.amounts().spent().micros());
                            BigInteger balance =
                                    BigInteger.valueOf(account.balance().micros());
                            // balance < spent / period * horizon, without dividing: balance * period < spent * day *
                            // horizon
                            BigInteger perDayTimesPeriod = spent.multiply(SECONDS_PER_DAY);
                            boolean low =
                                    balance.multiply(periodSeconds).compareTo(perDayTimesPeriod.multiply(horizon)) < 0;
                            if (!low) {
                                return List.<LowBalance>of();
                            }
                            Credits daily = Credits.ofMicros(new java.math.BigDecimal(perDayTimesPeriod)
                                    .divide(new java.math.BigDecimal(periodSeconds), 0, RoundingMode.CEILING)
                                    .longValueExact());
                            long daysLeft = balance.signum() <= 0
                                    ? 0
                                    : balance.multiply(periodSeconds)
                                            .divide(perDayTimesPeriod)
                                            .longValueExact();
                            return List.of(new LowBalance(
                                    userOf(g),
                                    null,
                                    account.balance(),
                                    g.amounts().spent(),
                                    daily,
                                    daysLeft));
                        }),
                        CONCURRENCY)
                .concatMapIterable(list -> list)
                .collectList()
                .map(list -> {
                    List<LowBalance> sorted = new ArrayList<>(list);
                    sorted.sort(Comparator.comparingLong(LowBalance::daysLeft)
                            .thenComparing(LowBalance::averageDailySpend, Comparator.reverseOrder())
                            .thenComparing(LowBalance::user));
                    return sorted.size() <= spec.top() ? sorted : List.copyOf(sorted.subList(0, spec.top()));
                });
    }

    /** The user of a group that {@link #lowBalances} kept: only groups with a user pass its filter. */
    private static String userOf(UsageGroup g) {
        return Objects.requireNonNull(g.user(), "user");
    }

    private static Mono<Map<String, String>> labels(UserDirectory directory, Set<String> users) {
        return Flux.fromIterable(users)
                .flatMap(u -> directory.labelOf(u).map(label -> Map.entry(u, label)), CONCURRENCY)
                .collect(HashMap<String, String>::new, (m, e) -> m.put(e.getKey(), e.getValue()))
                .map(m -> (Map<String, String>) m);
    }
}
