package dev.balancekit.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.BalanceLedger;
import dev.balancekit.ChargeRequest;
import dev.balancekit.Usage;
import dev.balancekit.UsageDimension;
import dev.balancekit.memory.ManualClock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReportJsonTest {

    @Test
    void write_exactAmountsEveryListAndEscapedText() {
        ManualClock clock = new ManualClock(SampleLedger.START.plusSeconds(60));
        BalanceLedger ledger = BalanceLedger.builder().clock(clock).build();
        ledger.deduct(ChargeRequest.of("u\"1", "gpt-4o", Usage.of(3, 1))).block(); // 3 x 2.5 + 1 x 10 = 17.5
        ReportSpec spec = new ReportSpec(
                SampleLedger.START,
                SampleLedger.START.plusSeconds(3600),
                List.of(UsageDimension.USER),
                Set.of(),
                Set.of(),
                Set.of(),
                10,
                7);

        String json =
                ReportJson.write(AdminReports.build(ledger, spec, u -> reactor.core.publisher.Mono.just("a@b"), clock)
                        .block());

        assertThat(json)
                .startsWith("{\"since\":\"2026-03-02T00:00:00Z\",\"until\":\"2026-03-02T01:00:00Z\",\"zone\":\"Z\"")
                .contains(
                        "\"by\":[\"user\"]",
                        "\"totals\":{\"spent\":17.5,\"credited\":20000,\"promptTokens\":3,\"completionTokens\":1,\"entries\":3}",
                        "\"table\":[{\"user\":\"u\\\"1\",\"label\":\"a@b\",\"spent\":17.5,",
                        "\"dailyByModel\":[{\"day\":\"2026-03-02\",\"model\":null,\"spent\":0,",
                        "{\"day\":\"2026-03-02\",\"model\":\"gpt-4o\",\"spent\":17.5,",
                        "\"topModels\":[{\"model\":\"gpt-4o\",\"spent\":17.5,",
                        "\"lowBalanceDays\":7,\"lowBalances\":[]}");
    }
}
