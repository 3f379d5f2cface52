package dev.balancekit.policy;

import dev.balancekit.DenialReason;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A shortfall policy's answer.
 *
 * @param kind allow, deny or fall back
 * @param reason the denial reason, present exactly for {@link Kind#DENY}
 * @param fallbackModel the model to use, present exactly for {@link Kind#FALLBACK}
 */
public record PolicyVerdict(
        Kind kind, @Nullable DenialReason reason, @Nullable String fallbackModel) {

    /** The kinds of answer. */
    public enum Kind {
        /** Let the request through anyway. */
        ALLOW,
        /** Refuse it. */
        DENY,
        /** Answer it with another model. */
        FALLBACK
    }

    private static final PolicyVerdict ALLOW = new PolicyVerdict(Kind.ALLOW, null, null);

    /**
     * Validates.
     *
     * @throws IllegalArgumentException if the reason or model does not fit the kind
     */
    public PolicyVerdict {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.DENY) != (reason != null)) {
            throw new IllegalArgumentException("reason must be given exactly for DENY, was " + reason);
        }
        if ((kind == Kind.FALLBACK) != (fallbackModel != null)) {
            throw new IllegalArgumentException(
                    "fallbackModel must be given exactly for FALLBACK, was " + fallbackModel);
        }
    }

    /** @return the verdict that lets the request through */
    public static PolicyVerdict allow() {
        return ALLOW;
    }

    /**
     * Refuses the request.
     *
     * @param reason why
     * @return the verdict
     */
    public static PolicyVerdict deny(DenialReason reason) {
        return new PolicyVerdict(Kind.DENY, Objects.requireNonNull(reason, "reason"), null);
    }

    /**
     * Answers with another model.
     *
     * @param model the model
     * @return the verdict
     */
    public static PolicyVerdict fallback(String model) {
        return new PolicyVerdict(Kind.FALLBACK, null, Objects.requireNonNull(model, "model"));
    }
}
