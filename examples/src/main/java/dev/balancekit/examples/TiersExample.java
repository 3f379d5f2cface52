package dev.balancekit.examples;

import dev.balancekit.BalanceChange;
import dev.balancekit.BalanceEvent;
import dev.balancekit.BalanceLedger;
import dev.balancekit.BalanceRequest;
import dev.balancekit.BlockingBalanceLedger;
import dev.balancekit.ChargeRequest;
import dev.balancekit.Credits;
import dev.balancekit.LedgerConfig;
import dev.balancekit.Refill;
import dev.balancekit.RefillMode;
import dev.balancekit.RefillUnit;
import dev.balancekit.Reservation;
import dev.balancekit.Tier;
import dev.balancekit.Usage;
import dev.balancekit.UsageLimits;
import dev.balancekit.WindowUsage;
import dev.balancekit.memory.ManualClock;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.Multiplier;
import dev.balancekit.pricing.PriceTable;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * Tiers, a daily limit and auto-refill: a free-tier user is refused a model outside the tier,
 * hits the daily cap, the day rolls over, the weekly free credits are reset, then the user
 * upgrades to the pro tier and pays 80% of the price.
 *
 * <p>Run it from the repository root with
 * {@code mvn -q -pl examples -am compile exec:java -Dexec.mainClass=dev.balancekit.examples.TiersExample}.
 */
public final class TiersExample {

    private TiersExample() {}

    /**
     * Runs the example and prints to standard output.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        run(System.out);
    }

    /**
     * Runs the example on a manual clock, so its output is the same on every run.
     *
     * @param out where to print
     */
    @SuppressWarnings("OrphanedFormatString") // "20% off" is printed as it is, never formatted
    static void run(PrintStream out) {
        LedgerConfig config = LedgerConfig.builder()
                .prices(PriceTable.builder()
                        .model("gpt-4o-mini", ModelPrice.perToken("0.15", "0.6"))
                        .model("gpt-4o", ModelPrice.perToken("2.5", "10"))
                        .build())
                .zone(ZoneId.of("Europe/Berlin"))
                .tier(Tier.builder("free")
                        .startBalance(Credits.ZERO)
                        .usageLimits(UsageLimits.credits(Credits.of(300), null, null))
                        .refill(new Refill(RefillMode.RESET, 1, RefillUnit.WEEKS, Credits.of(1000)))
                        .allowModels("gpt-4o-mini*")
                        .build())
                .tier(Tier.builder("pro")
                        .priceMultiplier(Multiplier.parse("0.8"))
                        .build())
                .defaultTier("free")
                .windowThresholds(80)
                .build();
        ManualClock clock = new ManualClock(Instant.parse("2026-11-23T08:00:00Z")); // a Monday, 09:00 in Berlin
        BlockingBalanceLedger ledger = BalanceLedger.builder()
                .config(config)
                .clock(clock)
                .listener(event -> out.println("  event: " + describe(event)))
                .eventExecutor(Runnable::run) // deliver in line so the printout is in order
                .build()
                .blocking();

        out.println("== free tier: 1000 credits a week, at most 300 a day, gpt-4o-mini only ==");
        out.println("gpt-4o: " + ledger.checkBalance("fay", "gpt-4o", 100, 100).message());
        for (int i = 1; i <= 4; i++) {
            chat(ledger, out, "fay", "gpt-4o-mini", 200, 100);
            clock.advance(Duration.ofMinutes(10));
        }
        WindowUsage today = ledger.usage("fay").get(0);
        out.println("today: " + today.spent() + " of " + today.limit() + " credits (" + today.percentUsed() + "%)");

        out.println("== next day: the daily window has rolled over ==");
        clock.set(Instant.parse("2026-11-24T08:00:00Z"));
        chat(ledger, out, "fay", "gpt-4o-mini", 200, 100);
        out.println("refill at " + ledger.balance("fay").orElseThrow().refillAt());

        out.println("== next Monday: the weekly free credits are reset ==");
        clock.set(Instant.parse("2026-11-30T08:00:00Z"));
        out.println("balance " + ledger.balance("fay").orElseThrow().balance());
        chat(ledger, out, "fay", "gpt-4o-mini", 200, 100);

        out.println("== fay upgrades: pro tier, no caps, any model, 20% off ==");
        ledger.setTier("fay", "pro", "billing");
        ledger.addBalance(
                BalanceChange.of("fay", Credits.of(5000)).withActor("billing").withNote("pro plan"));
        chat(ledger, out, "fay", "gpt-4o", 200, 100);
    }

    private static void chat(
            BlockingBalanceLedger ledger, PrintStream out, String user, String model, long prompt, long output) {
        Reservation r = ledger.reserve(BalanceRequest.of(user, model, prompt, output));
        if (!r.isAllowed()) {
            out.println(user + ": " + r.decision().message());
            return;
        }
        var receipt = ledger.deduct(
                ChargeRequest.of(user, model, Usage.of(prompt, output)).withHold(r.holdId()));
        out.println(user + ": " + model + " charged " + receipt.total().negate() + ", balance " + receipt.balance());
    }

    private static String describe(BalanceEvent event) {
        if (event instanceof BalanceEvent.Charged c) {
            return "charged " + c.receipt().total().negate();
        } else if (event instanceof BalanceEvent.Denied d) {
            return "denied " + d.decision().reason();
        } else if (event instanceof BalanceEvent.Refilled r) {
            return "refilled " + r.entry().tokenValue() + " (" + r.entry().note() + ")";
        } else if (event instanceof BalanceEvent.WindowThreshold w) {
            return w.usage().window() + " usage passed " + w.percent() + "%";
        }
        return event.getClass().getSimpleName();
    }
}
