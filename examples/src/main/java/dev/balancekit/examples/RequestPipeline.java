package dev.balancekit.examples;

import dev.balancekit.BalanceLedger;
import dev.balancekit.BalanceRequest;
import dev.balancekit.ChargeRequest;
import dev.balancekit.Reservation;
import dev.balancekit.Usage;
import dev.balancekit.examples.chat.Json;
import java.util.function.Function;

/**
 * The request pipeline of the README, as compiled code: reserve, call the model, charge the
 * actual usage against the hold, release the hold if the call fails.
 */
public final class RequestPipeline {
    private final BalanceLedger ledger;

    /**
     * Creates the pipeline.
     *
     * @param ledger the ledger
     */
    public RequestPipeline(BalanceLedger ledger) {
        this.ledger = ledger;
    }

    /**
     * Handles one chat request.
     *
     * @param userId the user
     * @param model the model asked for
     * @param promptTokens the prompt's token count
     * @param maxTokens the output token budget
     * @param callModel calls the model named by its argument and returns the usage it reported
     * @return {@code "402 " + payload} when refused, otherwise {@code "200 " + the model used}
     */
    // kept as README quotes it: reserve() always emits a reservation, and an allowed one has a hold id
    @SuppressWarnings("NullAway")
    public String handle(
            String userId, String model, long promptTokens, long maxTokens, Function<String, Usage> callModel) {
        Reservation r = ledger.reserve(BalanceRequest.of(userId, model, promptTokens, maxTokens))
                .block();
        if (!r.isAllowed()) {
            return "402 " + Json.MAPPER.writeValueAsString(r.decision().payload());
        }
        try {
            String used = r.decision().model();
            Usage usage = callModel.apply(used);
            ledger.deduct(ChargeRequest.of(userId, used, usage).withHold(r.holdId()))
                    .block();
            return "200 " + used;
        } catch (RuntimeException e) {
            ledger.release(userId, r.holdId()).block();
            throw e;
        }
    }
}
