package dev.balancekit.examples.consumer;

import dev.balancekit.BalanceLedger;
import dev.balancekit.BalanceRequest;
import dev.balancekit.ChargeRequest;
import dev.balancekit.Reservation;
import dev.balancekit.Usage;
import java.util.function.Function;

/**
 * A host's own service, the kind a consumer project writes: it summarizes a text with a model and
 * meters the call through the ledger. {@code ConsumerTestExample} in the tests shows how such a
 * service is unit-tested with the in-memory store and a manual clock.
 */
public final class SummaryService {
    private final BalanceLedger ledger;
    private final Function<String, Usage> model;

    /**
     * Creates the service.
     *
     * @param ledger the ledger
     * @param model calls the model on a text and returns the usage it reported
     */
    public SummaryService(BalanceLedger ledger, Function<String, Usage> model) {
        this.ledger = ledger;
        this.model = model;
    }

    /**
     * Summarizes a text for a user, if the user can afford it.
     *
     * @param user the user id
     * @param text the text
     * @return {@code "ok"}, or the ledger's message when the user cannot afford it
     */
    @SuppressWarnings("NullAway") // reserve() always emits a reservation
    public String summarize(String user, String text) {
        long promptTokens = Math.max(1, text.length() / 4);
        Reservation r = ledger.reserve(BalanceRequest.of(user, "gpt-4o-mini", promptTokens, 200))
                .block();
        if (!r.isAllowed()) {
            return r.decision().message();
        }
        Usage usage = model.apply(text);
        ledger.deduct(ChargeRequest.of(user, "gpt-4o-mini", usage)
                        .withContext("summary")
                        .withHold(r.holdId()))
                .block();
        return "ok";
    }
}
