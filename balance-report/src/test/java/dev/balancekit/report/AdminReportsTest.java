package dev.balancekit.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancekit.BalanceChange;
import dev.balancekit.BalanceLedger;
import dev.balancekit.ChargeRequest;
import dev.balancekit.Credits;
import dev.balancekit.LedgerConfig;
import dev.balancekit.Usage;
import dev.balancekit.UsageDimension;
import dev.balancekit.UserDirectory;
import dev.balancekit.memory.ManualClock;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.PriceTable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdminReportsTest {
    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    @Test
    void lowBalances_listsUsersWhoseBalanceWillNotCoverTheirAverageDailySpend_fewestDaysFirst() {
        ManualClock clock = new ManualClock(T0.plus(Duration.ofHours(1)));
        BalanceLedger ledger = BalanceLedger.builder()
                .clock(clock)
                .config(LedgerConfig.builder()
                        .startBalance(Credits.of(1000))
                        .prices(PriceTable.builder()
                                .model("m", ModelPrice.perToken("1", "1"))
                                .build())
                        .build())
                .build();
        // over 10 days: a spends 300 (30 a day), leaving 700: 23 days left
        // b spends 100 (10 a day), then is set to 45: 4 days left; c spends 500 (50 a day), set to 0: 0 days left
        ledger.deduct(ChargeRequest.of("a", "m", Usage.of(150, 150))).block();
        ledger.deduct(ChargeRequest.of("b", "m", Usage.of(50, 50))).block();
        ledger.deduct(ChargeRequest.of("c", "m", Usage.of(250, 250))).block();
        ledger.setBalance(BalanceChange.of("b", Credits.of(45))).block();
        ledger.setBalance(BalanceChange.of("c", Credits.ZERO)).block();
        ledger.addBalance(BalanceChange.of("d", Credits.of(5))).block(); // spent nothing: never low
        clock.set(T0.plus(Duration.ofDays(10)));
        ReportSpec spec = new ReportSpec(
                T0, T0.plus(Duration.ofDays(10)), List.of(UsageDimension.USER), Set.of(), Set.of(), Set.of(), 10, 7);

        AdminReport report =
                AdminReports.build(ledger, spec, UserDirectory.NONE, clock).block();

        assertThat(report.lowBalances())
                .containsExactly(
                        new LowBalance("c", null, Credits.ZERO, Credits.of(500), Credits.of(50), 0),
                        new LowBalance("b", null, Credits.of(45), Credits.of(100), Credits.of(10), 4));
        assertThat(AdminReports.build(ledger, spec.limited(10, 30), UserDirectory.NONE, clock)
                        .block()
                        .lowBalances())
                .extracting(LowBalance::user)
                .containsExactly("c", "b", "a");
        assertThat(AdminReports.build(ledger, spec.limited(10, 0), UserDirectory.NONE, clock)
                        .block()
                        .lowBalances())
                .isEmpty();
    }

    @Test
    void build_topListsDailySeriesAndLabels_comeFromTheLedgersReports() {
        SampleLedger sample = new SampleLedger();
        ReportSpec spec = new ReportSpec(
                SampleLedger.START,
                SampleLedger.END,
                List.of(UsageDimension.USER, UsageDimension.MODEL),
                Set.of(),
                Set.of(),
                Set.of(),
                3,
                7);

        AdminReport report = AdminReports.build(sample.ledger, spec, SampleLedger.DIRECTORY, sample.clock)
                .block();

        assertThat(report.topUsers()).hasSize(3);
        assertThat(report.topUsers().get(0).amounts().spent())
                .isGreaterThanOrEqualTo(report.topUsers().get(1).amounts().spent());
        assertThat(report.topModels()).extracting(g -> g.model()).hasSize(3).doesNotContainNull();
        assertThat(report.dailyByModel()).extracting(g -> g.period()).isSorted().hasSizeGreaterThanOrEqualTo(14);
        assertThat(report.table()).hasSize(3);
        assertThat(report.tableGroups()).isGreaterThan(3);
        // labels for the users shown, where the directory knows them (it does not know finn)
        assertThat(report.labels()).containsEntry("u-ben", "ben@example.com").doesNotContainKey("u-ana");
        assertThat(report.nameOf("u-finn")).isEqualTo("u-finn");
        assertThat(report.nameOf("u-ben")).isEqualTo("ben@example.com");
        assertThat(report.lowBalances()).extracting(LowBalance::label).contains("ben@example.com", "eve@example.com");
        Credits sum = Credits.ZERO;
        for (var g : report.dailyByModel()) {
            sum = sum.plus(g.amounts().spent());
        }
        assertThat(sum).isEqualTo(report.totals().spent());
    }

    @Test
    void reportSpec_badInput_isRefusedNamingTheValue() {
        assertThatThrownBy(() -> new ReportSpec(T0, T0, List.of(), Set.of(), Set.of(), Set.of(), 10, 7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("since must be before until, was since " + T0 + " until " + T0);
        assertThatThrownBy(() -> ReportSpec.lastDays(T0, 30).limited(0, 7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("top must be between 1 and 10000, was 0");
        assertThatThrownBy(() -> ReportSpec.lastDays(T0, 30).limited(10, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lowBalanceDays must be between 0 and 3660, was -1");
        assertThatThrownBy(
                        () -> ReportSpec.lastDays(T0, 30).groupedBy(List.of(UsageDimension.DAY, UsageDimension.WEEK)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("by may hold one of day, week and month, was [DAY, WEEK]");
    }
}
