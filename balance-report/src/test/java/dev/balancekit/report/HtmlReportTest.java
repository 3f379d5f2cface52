package dev.balancekit.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.BalanceLedger;
import dev.balancekit.ChargeRequest;
import dev.balancekit.Usage;
import dev.balancekit.UsageDimension;
import dev.balancekit.memory.ManualClock;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    static String sampleHtml() {
        SampleLedger sample = new SampleLedger();
        ReportSpec spec = new ReportSpec(
                SampleLedger.START,
                SampleLedger.END,
                List.of(UsageDimension.USER, UsageDimension.MODEL),
                Set.of(),
                Set.of(),
                Set.of(),
                10,
                7);
        return HtmlReport.render(AdminReports.build(sample.ledger, spec, SampleLedger.DIRECTORY, sample.clock)
                .block());
    }

    @Test
    void render_hasThreeInlineSvgCharts_withTheModelsAndUsersAsSeriesAndCategories() {
        String html = sampleHtml();

        for (String id : List.of(HtmlReport.DAILY_CHART, HtmlReport.TOP_USERS_CHART, HtmlReport.TOP_MODELS_CHART)) {
            assertThat(html).contains("<svg").containsPattern("<svg id='" + id + "'");
        }
        String daily = svg(html, HtmlReport.DAILY_CHART);
        assertThat(daily).contains(">Spending per day by model<");
        for (String model : SampleLedger.MODELS) {
            assertThat(daily).contains(">" + model + "<");
        }
        assertThat(svg(html, HtmlReport.TOP_USERS_CHART)).contains(">ana@example.com<", ">u-finn<", ">Credits spent<");
        assertThat(svg(html, HtmlReport.TOP_MODELS_CHART)).contains(">gpt-4o-mini<", ">claude-sonnet-4<");
        assertThat(html)
                .contains("<section id=\"low-balance\">", "<td>ben@example.com</td>", "<td>eve@example.com</td>");
    }

    @Test
    void render_isSelfContained_noScriptNoExternalResource() {
        String html = sampleHtml();

        assertThat(html).doesNotContain("<script", "<link", "<img", "src=", "url(http", "@import");
        // the only URLs are XML namespace names, which a browser never fetches
        Matcher m = Pattern.compile("https?://[^\"' )]+").matcher(html);
        while (m.find()) {
            assertThat(m.group())
                    .isIn(
                            "http://www.w3.org/2000/svg",
                            "http://www.w3.org/1999/xlink",
                            "http://www.jfree.org/jfreesvg/svg");
        }
    }

    @Test
    void render_escapesUserIdsAndModelsInTablesAndCharts() {
        ManualClock clock = new ManualClock(SampleLedger.START.plusSeconds(60));
        BalanceLedger ledger = BalanceLedger.builder().clock(clock).build();
        ledger.deduct(ChargeRequest.of("<b>x</b>", "m<i>&", Usage.of(10, 10))).block();
        ReportSpec spec = ReportSpec.lastDays(SampleLedger.START.plusSeconds(3600), 1);

        String html =
                HtmlReport.render(AdminReports.build(ledger, spec, u -> reactor.core.publisher.Mono.empty(), clock)
                        .block());

        assertThat(html).doesNotContain("<b>x</b>", "m<i>&").contains("&lt;b&gt;x&lt;/b&gt;", "m&lt;i&gt;&amp;");
    }

    @Test
    void render_noEntries_saysNoneAndStillDrawsEmptyCharts() {
        ManualClock clock = new ManualClock(SampleLedger.START);
        BalanceLedger ledger = BalanceLedger.builder().clock(clock).build();

        String html = HtmlReport.render(AdminReports.build(
                        ledger, ReportSpec.lastDays(SampleLedger.START, 7), dev.balancekit.UserDirectory.NONE, clock)
                .block());

        assertThat(svg(html, HtmlReport.DAILY_CHART)).contains("No spending in this period");
        assertThat(html).contains("<p class=\"empty\">None.</p>");
    }

    static String svg(String html, String id) {
        int start = html.indexOf("<svg id='" + id + "'");
        assertThat(start).as("svg %s", id).isPositive();
        return html.substring(start, html.indexOf("</svg>", start));
    }
}
