package dev.balancekit;

import java.util.Objects;

/**
 * A model call was refused before it was made: the decision was a denial. Framework integrations
 * throw it where their API cannot return the decision as a value (a Spring AI advisor, a
 * LangChain4j model wrapper); a host maps it to HTTP 402 with {@link #decision()}'s
 * {@link BalanceDecision#payload() token_balance payload}.
 */
public final class BalanceRefusedException extends BalanceException {
    private static final long serialVersionUID = 1L;

    /** The decision; decisions are not serializable, and a refusal is not sent across processes. */
    private final transient BalanceDecision decision;

    private final String user;

    /**
     * Creates the exception; its message is {@link BalanceDecision#message()}.
     *
     * @param user the user whose request was refused
     * @param decision the denial
     * @throws IllegalArgumentException if the decision allows the call
     */
    public BalanceRefusedException(String user, BalanceDecision decision) {
        super(Objects.requireNonNull(decision, "decision").message());
        if (decision.isAllowed()) {
            throw new IllegalArgumentException("decision must be a denial, was " + decision.status());
        }
        this.user = Requests.requireText("user", user);
        this.decision = decision;
    }

    /** @return the denial: reason, balance, estimated cost, prompt tokens, refill time */
    public BalanceDecision decision() {
        return decision;
    }

    /** @return the user whose request was refused */
    public String user() {
        return user;
    }
}
